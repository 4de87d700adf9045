/* The browser test's probe (tests/browser/run.sh adds it to a copy of a
   report): console errors, and once the page is laid out, its width and
   each chart's elements, as JSON in the element chainsim-probe. */
window.__errors = [];
window.addEventListener("error", function (e) {
    window.__errors.push(String(e.message));
});
(function () {
    var plain = console.error;
    console.error = function () {
        window.__errors.push(Array.prototype.join.call(arguments, " "));
        plain.apply(console, arguments);
    };
})();
window.addEventListener("load", function () {
    var doc = document.documentElement;
    var out = {
        errors: window.__errors,
        clientWidth: doc.clientWidth,
        scrollWidth: doc.scrollWidth,
        charts: []
    };
    var svgs = document.querySelectorAll("svg.chart");
    for (var i = 0; i < svgs.length; i++) {
        var s = svgs[i];
        var r = s.getBoundingClientRect();
        var sec = s.closest("section");
        var series = [];
        var gs = s.querySelectorAll("g.series");
        for (var k = 0; k < gs.length; k++)
            series.push(gs[k].getAttribute("data-series"));
        out.charts.push({
            cls: s.getAttribute("class"),
            section: sec ? sec.id : "",
            title: s.getAttribute("aria-label"),
            left: r.left,
            right: r.right,
            width: r.width,
            height: r.height,
            series: series,
            paths: s.querySelectorAll("g.series path, g.series polyline").length,
            targets: s.querySelectorAll("line.target").length,
            promises: s.querySelectorAll("g.promise").length,
            estimates: s.querySelectorAll("circle.estimate").length,
            bottlenecks: s.querySelectorAll("rect.bottleneck").length,
            rects: s.querySelectorAll("rect").length,
            areas: s.querySelectorAll("path[class^='f']").length,
            cells: s.querySelectorAll("rect.cell").length
        });
    }
    var pre = document.createElement("pre");
    pre.id = "chainsim-probe";
    pre.textContent = JSON.stringify(out);
    document.body.appendChild(pre);
});
