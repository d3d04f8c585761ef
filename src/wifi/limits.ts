/**
 * Named limits of the Wi-Fi wing. Every table a detector keeps is bounded by one of these, so a hostile capture (a
 * beacon flood of a million random BSSIDs) costs bounded memory: the oldest entries are evicted, never an unbounded map.
 */

/** Largest 802.11 frame we decode (an A-MSDU in a VHT MPDU is at most 11454 octets; radiotap headers add little). */
export const MAX_FRAME_BYTES = 16_384;
/** Radiotap headers longer than this are refused (the length field is 16-bit; real headers are under 100 bytes). */
export const MAX_RADIOTAP_BYTES = 1024;
/** Extended present bitmaps followed before a radiotap header is refused as malformed. */
export const MAX_RADIOTAP_PRESENT_WORDS = 8;
/** Information elements read from one frame body. */
export const MAX_ELEMENTS = 256;
/** Cipher or AKM suites listed in one RSN/WPA element (the count field is 16-bit; real lists hold one to four). */
export const MAX_SUITES = 32;
/** Networks (BSSID, SSID pairs) the air inventory keeps; beyond it a beacon flood is reported, not stored. */
export const MAX_NETWORKS = 4096;
/** Transmitters (BSSIDs, stations) a detector tracks at once; the least recently seen is evicted. */
export const MAX_TRACKED = 8192;
/** Distinct SSIDs remembered per transmitter for KARMA detection. */
export const MAX_SSIDS_PER_TRANSMITTER = 64;
/** Frames a single finding's evidence names (the first ones). */
export const MAX_EVIDENCE_FRAMES = 8;
