module mitmguard.test/goclient

go 1.19
