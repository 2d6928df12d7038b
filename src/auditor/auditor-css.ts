// The auditor pages' one stylesheet (served as /auditor.css: the CSP allows no inline style): readable from a phone to a wide screen.
export const AUDITOR_CSS = `*{box-sizing:border-box}
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#111}
header{display:flex;flex-wrap:wrap;gap:8px;justify-content:space-between;align-items:center;padding:8px 16px;background:#1d2b3a;color:#fff}
header h1{font-size:18px;margin:0}header a{color:#fff}.who{margin:0}main{padding:8px 16px;max-width:1600px}
#filters{display:flex;flex-wrap:wrap;gap:8px 12px;align-items:end;margin:8px 0}#filters label{display:flex;flex-direction:column;font-size:12px;color:#333}
#filters input,#filters select{font:inherit;max-width:100%}#filters .hint{flex-basis:100%;font-size:12px;color:#555;margin:0}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f3f5f7}td.num,th.num{text-align:right}.action-deny .action{color:#b00020;font-weight:600}.action-warn .action{color:#8a5a00}
.id,code{font-family:ui-monospace,monospace;font-size:12px;color:#333;word-break:break-all}
.legend{list-style:none;padding:0;display:flex;gap:4px 16px;flex-wrap:wrap;margin:6px 0}.empty,.notice{color:#555}
h2{font-size:15px;margin:18px 0 6px}h2 small{font-weight:normal;color:#555}
.chart{display:grid;grid-template-columns:auto minmax(0,1fr);grid-template-rows:180px auto;gap:2px 6px;margin:0}
.chart-y{display:flex;flex-direction:column;justify-content:space-between;font-size:11px;color:#444;text-align:right}
.chart-plot{display:block;width:100%;height:180px;background:#fafbfc}
.chart-x{grid-column:2;display:grid;grid-template-columns:repeat(4,minmax(0,1fr));font-size:11px;color:#444;white-space:nowrap}
.totals{display:flex;flex-wrap:wrap;gap:8px 32px}.totals>div{flex:1 1 320px;min-width:0}.totals td:first-child{overflow-wrap:anywhere}
.pager{display:flex;flex-wrap:wrap;gap:12px;align-items:center;margin:8px 0}.exports{margin:8px 0}
#replicas{margin:6px 0;font-size:13px}#replicas ul{margin:2px 0;padding-left:20px}.replica-missing{color:#b00020;font-weight:600}
.warning{background:#fff4e5;border-left:4px solid #e69f00;padding:6px 10px;margin:8px 0}
dl.detail{display:grid;grid-template-columns:minmax(120px,max-content) minmax(0,1fr);gap:2px 16px;margin:0}dl.detail dt{font-weight:600;color:#333}dl.detail dd{margin:0;word-break:break-word}
h3{font-size:14px;margin:8px 0 4px}td time{white-space:nowrap}
@media (max-width:700px){.wide-only{display:none}main{padding:6px 8px}header h1{font-size:16px}
table.events thead{display:none}table.events,table.events tbody,table.events tr,table.events td{display:block}
table.events tr{border-bottom:1px solid #ccc;padding:4px 0}table.events td{border:none;padding:0 2px}
table.events td.action,table.events td.rule{display:inline-block;margin-right:8px}}
`;
