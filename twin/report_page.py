"""Page shell of the HTML reports: plotly.js embedded compressed, charts drawn once it is loaded.

plotly.js (about 4.8 MB) is embedded once, gzip-compressed and base64-encoded (about
2 MB), and unpacked in the browser with the standard ``DecompressionStream`` — the page
needs no network. Figures are written as plotly's own ``<div>`` + ``Plotly.newPlot``
snippets (:func:`figure_div`); until plotly.js is unpacked, a small stand-in queues those
calls and replays them, so any fragment made with ``plotly.io.to_html(...,
include_plotlyjs=False)`` works in these pages. When every chart is drawn the ``<body>``
gets ``data-plots-ready="1"`` (the browser tests wait for it).

Printing: ``@media print`` keeps each chart on one A4 page width and out of page breaks;
charts are redrawn at the printable width before printing and restored after it.
"""

from __future__ import annotations

import base64
import functools
import gzip
import html

#: Width of the printable area of an A4 page with 12 mm margins [CSS px at 96 dpi].
PRINT_WIDTH_PX = 700


@functools.lru_cache(maxsize=1)
def plotly_js_gzip_base64() -> str:
    """plotly.js of the installed plotly package, gzip-compressed, base64 [ASCII]."""
    from plotly.offline import get_plotlyjs

    raw = get_plotlyjs().encode("utf-8")
    return base64.b64encode(gzip.compress(raw, compresslevel=9, mtime=0)).decode("ascii")


def figure_div(fig, cls: str = "fig") -> str:
    """A plotly figure as an HTML fragment for these pages (no plotly.js in it); '' for None."""
    if fig is None:
        return ""
    import plotly.io as pio

    div = pio.to_html(fig, include_plotlyjs=False, full_html=False,
                      config={"displaylogo": False, "responsive": True})
    return f'<div class="{cls}">{div}</div>'


_BOOT_JS = r"""
(function () {
  var queue = [];
  window.PLOTLYENV = window.PLOTLYENV || {};
  window.Plotly = {__standIn: true, newPlot: function () { queue.push(arguments); return Promise.resolve(); }};
  function ready() { document.body.setAttribute('data-plots-ready', '1'); }
  function boot() {
    var el = document.getElementById('plotly-js-gz');
    if (!el || typeof DecompressionStream === 'undefined') {
      var warn = document.getElementById('no-charts');
      if (warn) { warn.style.display = 'block'; }
      return;
    }
    var bin = atob(el.textContent.trim());
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    new Response(stream).text().then(function (src) {
      var s = document.createElement('script');
      s.text = src;
      document.head.appendChild(s);
      return Promise.all(queue.map(function (a) { return window.Plotly.newPlot.apply(window.Plotly, a); }));
    }).then(printImages).then(ready);
  }
  // Chromium drops plotly's Sankey links when printing: such charts print as a picture of themselves.
  function printImages() {
    var jobs = [];
    document.querySelectorAll('.js-plotly-plot').forEach(function (gd) {
      if (!(gd._fullData && gd._fullData.length && gd._fullData[0].type === 'sankey')) { return; }
      jobs.push(window.Plotly.toImage(gd, {format: 'png', width: %(print_width)d, height: gd._fullLayout.height, scale: 2})
        .then(function (url) {
          var img = document.createElement('img');
          img.className = 'print-only'; img.src = url; img.alt = '';
          gd.classList.add('screen-only');
          gd.parentNode.appendChild(img);
        }));
    });
    return Promise.all(jobs);
  }
  function resizeAll(width) {
    if (!window.Plotly || window.Plotly.__standIn) { return; }
    document.querySelectorAll('.js-plotly-plot:not(.screen-only)').forEach(function (gd) {
      if (width) {
        gd.__screenWidth = gd.__screenWidth || gd._fullLayout.width;
        var w = Math.min(gd.__screenWidth, width * (gd.closest('.half') ? 0.5 : 1));
        window.Plotly.relayout(gd, {width: w});
      } else if (gd.__screenWidth) {
        window.Plotly.relayout(gd, {width: gd.__screenWidth});
      }
    });
  }
  window.addEventListener('beforeprint', function () { resizeAll(%(print_width)d); });
  window.addEventListener('afterprint', function () { resizeAll(0); });
  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', boot); } else { boot(); }
})();
"""

CSS = (
    "body{font-family:'Noto Sans CJK SC','Microsoft YaHei','PingFang SC',-apple-system,'Segoe UI',sans-serif;"
    "max-width:1240px;margin:auto;padding:1em;color:#222;line-height:1.45}"
    "table{border-collapse:collapse;margin:.5em 0;font-size:14px}"
    "td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}"
    "table.num td:not(:first-child){text-align:right;font-variant-numeric:tabular-nums}"
    "th{background:#f3f3f3}h2{border-bottom:2px solid #2a7;padding-bottom:3px;margin-top:1.6em}"
    "h1{margin:.3em 0 .1em}.subtitle{color:#555;margin:0 0 .8em}"
    ".notes{color:#555;font-size:13px}.fig{margin:1em 0}.grid{display:flex;flex-wrap:wrap;gap:0 1%}"
    ".half{width:49.5%;margin:.3em 0}.explain{background:#f6f8fa;padding:.6em 1em;border-left:4px solid #2a7}"
    ".banner{background:#fff4e5;border:1px solid #d97706;padding:.4em .8em;font-size:13px}"
    ".warn{background:#fdecea;border:2px solid #c62828;padding:.6em 1em}"
    ".provisional{color:#a40;font-weight:bold}.ok{color:#1a7f37;font-weight:bold}.bad{color:#c62828;font-weight:bold}"
    "td.small,.small{font-size:12px;color:#444}td.itemhead{background:#eef6f1}"
    "table.items td:nth-child(7){white-space:nowrap}"
    ".cards{display:grid;grid-template-columns:repeat(4,1fr);gap:10px;margin:.6em 0}"
    ".card{border:1px solid #d0d7de;border-radius:6px;padding:.5em .8em;background:#fbfdfc}"
    ".card .k{font-size:13px;color:#555}.card .v{font-size:22px;font-weight:600;margin:.1em 0}"
    ".card .d{font-size:12px;color:#555}.card.pass{border-color:#1a7f37}.card.fail{border-color:#c62828}"
    ".decision{display:grid;grid-template-columns:1.1fr 1fr;gap:16px;align-items:start}"
    ".decision table{font-size:13px;margin:.2em 0}.decision h3{margin:.3em 0}"
    "details summary{cursor:pointer;color:#2a7}"
    "#no-charts{display:none}.print-only{display:none;width:100%}"
    "@page{size:A4;margin:12mm}"
    "@media print{body{max-width:none;padding:0;font-size:12px}"
    "h2{break-after:avoid}.fig,.card,tr{break-inside:avoid}"
    ".half{width:100%}.cards{grid-template-columns:repeat(2,1fr)}.decision{display:block}"
    "table{font-size:11px;max-width:100%}td,th{padding:2px 4px}"
    ".js-plotly-plot,.plot-container,.svg-container{max-width:100%!important}"
    ".modebar-container{display:none!important}.screen-only{display:none!important}"
    ".print-only{display:block;max-width:100%}}"
)


def page(title: str, lang: str, body: str, *, no_charts_note: str) -> str:
    """The complete self-contained HTML page.

    Parameters
    ----------
    title : str
        Text of ``<title>`` (escaped here).
    lang : {"zh", "en"}
    body : str
        Trusted HTML of the page body (figures from :func:`figure_div`).
    no_charts_note : str
        Shown (escaped) where the browser cannot unpack plotly.js.
    """
    boot = _BOOT_JS % {"print_width": PRINT_WIDTH_PX}
    return (f"<!DOCTYPE html><html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{html.escape(title)}</title><style>{CSS}</style>"
            f"<script type='application/octet-stream' id='plotly-js-gz'>{plotly_js_gzip_base64()}</script>"
            f"<script type='text/javascript'>{boot}</script></head><body>"
            f"<p id='no-charts' class='warn'>{html.escape(no_charts_note)}</p>{body}</body></html>")
