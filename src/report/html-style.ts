/** The HTML report's stylesheet, inlined into the page (no external request). */
export const REPORT_CSS = `
:root{--bg:#f4f6f9;--card:#fff;--ink:#1f2933;--muted:#6b7785;--line:#e3e8ee;--accent:#243b53}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;background:var(--bg);color:var(--ink)}
header{background:linear-gradient(135deg,#102a43,#243b53);color:#fff;padding:26px 32px}
header h1{margin:0;font-size:22px;font-weight:650;letter-spacing:.2px}
header .meta{margin-top:6px;color:#bcccdc;font-size:13px}
header .head{display:flex;justify-content:space-between;align-items:center;gap:24px;max-width:1180px;margin:0 auto}
header .overall{text-align:center;flex:none}
header .overall .grade{width:78px;height:78px;font-size:40px;line-height:78px;border-radius:14px}
header .overall small{display:block;color:#d9e2ec;margin-top:6px;font-size:11.5px;text-transform:uppercase;letter-spacing:.5px}
main{max-width:1180px;margin:0 auto;padding:24px 32px 48px}
h2{font-size:17px;margin:32px 0 12px;color:var(--accent)}
.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:16px}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:16px 18px;box-shadow:0 1px 2px rgba(16,42,67,.05)}
.pillar{display:flex;gap:14px;align-items:center}
.pillar h3{margin:0;font-size:14px}
.pillar p{margin:2px 0 0;color:var(--muted);font-size:12.5px}
.grade{display:inline-block;min-width:46px;height:46px;line-height:46px;text-align:center;font-weight:750;font-size:22px;border-radius:10px;color:#fff}
.grade.sm{min-width:34px;height:26px;line-height:26px;font-size:13px;border-radius:6px}
.g-Ap,.g-A{background:#2b8a3e}.g-Am{background:#5c940d}.g-B{background:#e67700}.g-C,.g-D,.g-E{background:#d9480f}.g-F{background:#c92a2a}.g-T{background:#862e9c}.g-na{background:#adb5bd}
.charts{display:grid;grid-template-columns:1fr 1.4fr;gap:16px}
.chart{width:100%;height:auto}
.chart .lbl{font-size:13px;fill:var(--ink)}.chart .num{font-size:13px;font-weight:650;fill:var(--ink)}.chart .big{font-size:30px;font-weight:750;fill:var(--ink)}.chart .small{font-size:11px;fill:var(--muted)}
table{width:100%;border-collapse:collapse;background:var(--card);border:1px solid var(--line);border-radius:12px;overflow:hidden}
th,td{padding:8px 12px;text-align:left;border-bottom:1px solid var(--line);vertical-align:middle}
th{background:#f0f4f8;font-size:12px;text-transform:uppercase;letter-spacing:.4px;color:var(--muted)}
tr:last-child td{border-bottom:0}
td.t{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
.sev{display:inline-block;padding:1px 8px;border-radius:999px;font-size:11.5px;font-weight:650;color:#fff;text-transform:uppercase;letter-spacing:.3px}
.sev-critical{background:#9b1c31}.sev-high{background:#d9480f}.sev-medium{background:#e8a100}.sev-low{background:#1c7ed6}.sev-info{background:#868e96}
.counts .sev{margin-right:4px}
.toolbar{display:flex;gap:10px;align-items:center;margin-bottom:12px}
.toolbar input{flex:1;padding:8px 12px;border:1px solid var(--line);border-radius:8px;font:inherit}
.toolbar label{color:var(--muted);font-size:13px}
.finding{background:var(--card);border:1px solid var(--line);border-left:5px solid #868e96;border-radius:10px;margin:0 0 10px;padding:0}
.finding.critical{border-left-color:#9b1c31}.finding.high{border-left-color:#d9480f}.finding.medium{border-left-color:#e8a100}.finding.low{border-left-color:#1c7ed6}
.finding summary{cursor:pointer;padding:10px 14px;display:flex;gap:10px;align-items:center;list-style:none}
.finding summary::-webkit-details-marker{display:none}
.finding .fid{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px;color:var(--accent);white-space:nowrap}
.finding .ftarget{margin-left:auto;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;color:var(--muted)}
.finding .body{padding:0 16px 12px 16px;border-top:1px dashed var(--line)}
.finding dt{font-weight:650;margin-top:8px;font-size:12.5px;color:var(--muted);text-transform:uppercase;letter-spacing:.3px}
.finding dd{margin:2px 0 0}
.muted{color:var(--muted)}
.pillar-head{display:flex;align-items:center;gap:10px;margin:22px 0 10px}
.pillar-head h3{margin:0;font-size:15px}
footer{color:var(--muted);font-size:12px;text-align:center;padding:16px}
@media (max-width:900px){.cards{grid-template-columns:1fr 1fr}.charts{grid-template-columns:1fr}}
#executive .lead{font-size:15px}
#executive .count{margin-right:8px;white-space:nowrap}
.trend{font-size:11.5px;font-weight:650;padding:0 6px;border-radius:6px;white-space:nowrap}.trend.up{color:#2b8a3e}.trend.down{color:#c92a2a}.trend.same{color:var(--muted)}
.risks{margin:6px 0 0;padding-left:22px}.risks li{margin:0 0 8px}
.legend{margin-top:18px}.legend table td{padding:4px 10px;font-size:12.5px}
.why-grid{display:grid;grid-template-columns:1fr 1fr;gap:16px}.why h3{margin:0 0 6px;font-size:14px;display:flex;gap:8px;align-items:center}.why ul{margin:0;padding-left:18px}
.why details summary{cursor:pointer;color:var(--accent);margin-top:8px}
.finding .owner{font-size:12px;color:var(--muted);white-space:nowrap}
td.owner{font-size:12.5px}
@media (max-width:900px){.why-grid{grid-template-columns:1fr}}
@media print{
header{background:#243b53 !important;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.grade,.sev{-webkit-print-color-adjust:exact;print-color-adjust:exact}
.toolbar,.why details{display:none}
#executive{break-after:page}
body{font-size:11px;line-height:1.4}
header{padding:14px 20px}header h1{font-size:17px}header .overall .grade{width:58px;height:58px;font-size:30px;line-height:58px}
h2{font-size:14px;margin:14px 0 8px}
.card{padding:8px 12px}.grade{min-width:36px;height:36px;line-height:36px;font-size:18px}
.risks li{margin:0 0 4px}.legend{margin-top:10px}.legend table td{padding:2px 8px;font-size:10px}
main{max-width:none;padding:8px 0 24px}
th,td{padding:4px 6px}
#targets table{font-size:11px}#targets th{font-size:8.5px;letter-spacing:0}#targets td.t{font-size:10.5px;word-break:break-all}
#targets .grade.sm{min-width:26px;height:20px;line-height:20px;font-size:11px}
#targets .sev{font-size:9px;padding:0 5px}
.why-grid{grid-template-columns:1fr 1fr}
.finding{break-inside:avoid;display:block !important}
details.finding::details-content{content-visibility:visible;display:block}
details.finding>.body{display:block}
}
`;

/** Filter findings by text and severity; open every finding for printing (and close them again). The page works without it. */
export const REPORT_JS = `
(function(){var q=document.getElementById('filter');var s=document.getElementById('sev');if(!q)return;
function run(){var t=q.value.toLowerCase(),v=s.value;document.querySelectorAll('.finding').forEach(function(e){
var ok=(!t||e.textContent.toLowerCase().indexOf(t)>=0)&&(!v||e.classList.contains(v));e.style.display=ok?'':'none'});}
q.addEventListener('input',run);s.addEventListener('change',run);
var closed=[];window.addEventListener('beforeprint',function(){closed=[];document.querySelectorAll('details.finding:not([open])').forEach(function(d){closed.push(d);d.open=true;});});
window.addEventListener('afterprint',function(){closed.forEach(function(d){d.open=false;});closed=[];});})();
`;
