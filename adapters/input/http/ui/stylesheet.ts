/** The pages' icon (a browser asks for one; without it, every page would log a failed request). */
export const CONSOLE_ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1d232b"/><rect x="3" y="4" width="7" height="2" fill="#1f8a4c"/><rect x="6" y="7" width="7" height="2" fill="#1f6fd1"/><rect x="4" y="10" width="5" height="2" fill="#c62f2f"/></svg>`;

/** The console's one stylesheet, served as a file: the pages' policy allows no inline style. */
export const CONSOLE_STYLESHEET = `
:root { --fg: #1d232b; --muted: #5f6b7a; --line: #d9dee5; --bg: #f6f7f9; --link: #0b5cad; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; gap: 1.5rem; align-items: center; padding: .6rem 1.5rem; background: #1d232b; color: #fff; }
header a { color: #fff; text-decoration: none; }
header .brand { font-weight: 600; }
header form { margin-left: auto; }
header button { background: none; border: 1px solid #8895a7; color: #fff; border-radius: 4px; padding: .15rem .6rem; cursor: pointer; }
main { padding: 1rem 1.5rem 3rem; max-width: 1200px; }
h1 { font-size: 1.4rem; margin: .4rem 0 1rem; }
h2 { font-size: 1.1rem; margin: 1.6rem 0 .6rem; }
a { color: var(--link); }
table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #eef1f5; font-weight: 600; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1.2rem; background: #fff; border: 1px solid var(--line); padding: .8rem 1rem; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; }
pre { background: #fff; border: 1px solid var(--line); padding: .6rem .8rem; white-space: pre-wrap; overflow-wrap: anywhere; }
ol.args { margin: 0; padding-left: 1.4rem; }
.muted, .empty { color: var(--muted); }
.pager { margin-top: .6rem; display: flex; gap: 1rem; }
.badge { display: inline-block; border-radius: 3px; padding: 0 .4rem; font-size: 12px; font-weight: 600; color: #fff; background: #8a94a3; }
.paused { background: #b26b00; }
.notice { background: #fff4d6; border: 1px solid #e8c770; padding: .5rem .8rem; }
form.login { display: grid; gap: .6rem; max-width: 28rem; background: #fff; border: 1px solid var(--line); padding: 1rem; }
form.login input { padding: .35rem; font: inherit; }
form.login button { justify-self: start; padding: .3rem 1rem; font: inherit; }
svg.timeline { width: 100%; height: auto; background: #fff; border: 1px solid var(--line); }
svg.timeline text { font-size: 11px; fill: var(--muted); }
svg.timeline .grid { stroke: #eceff3; }
svg.timeline .skip { stroke: #8a94a3; stroke-width: 2; }
.s-SUCCEEDED { background: #1f8a4c; fill: #1f8a4c; }
.s-FAILED { background: #c62f2f; fill: #c62f2f; }
.s-STOPPED { background: #6b7585; fill: #6b7585; }
.s-RUNNING, .s-STOPPING { background: #1f6fd1; fill: #1f6fd1; }
.s-QUEUED, .s-PENDING, .s-DOWNLOADING, .s-UPLOADING, .s-SUBMITTING { background: #c98a00; fill: #c98a00; }
.s-SKIPPED { background: #a9b1bd; fill: #a9b1bd; }
`;
