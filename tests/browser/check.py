"""tests/browser/check.py DOM JSON NAME: checks what the browser laid out
(the probe's record in the DOM dump) against the JSON results of the same
run.  Prints what is wrong and exits 1; silent and 0 when all holds."""
import html
import json
import re
import sys

PALETTE = 8      # rows with a colour of their own (CS_SVG_NCOLOURS)
SMALL = 8        # small multiples per chart kind (MAX_SMALL)
HEAT = 8         # heat maps shown (one per variant, MAX_SMALL)


def main(dom_path, json_path, name):
    dom = open(dom_path, encoding="utf-8").read()
    found = re.findall(r'<pre id="chainsim-probe">(.*?)</pre>', dom, re.S)
    if not found:
        return ["no probe record in the page"]
    probe = json.loads(html.unescape(found[-1]))
    res = json.load(open(json_path, encoding="utf-8"))
    errs = []

    if probe["errors"]:
        errs.append("console errors: %s" % probe["errors"][:3])
    if probe["scrollWidth"] > probe["clientWidth"]:
        errs.append("the page overflows: %d > %d pixels" %
                    (probe["scrollWidth"], probe["clientWidth"]))
    for c in probe["charts"]:
        if c["left"] < -0.5 or c["right"] > probe["clientWidth"] + 0.5:
            errs.append("chart '%s' overflows: [%.1f, %.1f]" %
                        (c["title"], c["left"], c["right"]))
        if c["width"] <= 0 or c["height"] <= 0:
            errs.append("chart '%s' has no size" % c["title"])

    variants = res["variants"]
    # the per-variant sections show the rows of the first sweep point
    first = [v for v in variants if v.get("point") == variants[0].get("point")]
    base = first[0]
    nshown = min(len(first), PALETTE)
    charts = probe["charts"]

    def kind(k):
        return [c for c in charts if k in c["cls"].split()]

    # lead time: one chart for all work, one per class when several
    cdf = kind("cdf")
    if not cdf:
        errs.append("no lead-time chart")
    with_lt = [v for v in first[:nshown] if v["lead_time"]["count"] > 0]
    for c in cdf:
        what = c["title"].split(": ", 1)[1]
        if what == "all work":
            if len(c["series"]) != len(with_lt):
                errs.append("lead time, all work: %d lines for %d variants" %
                            (len(c["series"]), len(with_lt)))
            want = [p for p in base["promises"]
                    if p.get("kind") == "lead_time" and p.get("work") is None]
        else:
            want = [p for p in base["promises"]
                    if p.get("kind") == "lead_time" and p.get("work") == what]
        if c["paths"] < len(c["series"]):
            errs.append("lead time, %s: a variant without its line" % what)
        if c["targets"] != len(want) or c["promises"] != len(want):
            errs.append("lead time, %s: %d target lines for %d promises" %
                        (what, c["targets"], len(want)))

    # paired differences: an interval at least per variant (all work)
    forest = kind("forest")
    paired = [v for v in first[1:]
              if (v.get("vs_baseline") or {}).get("ci95") is not None]
    if paired:
        est = sum(c["estimates"] for c in forest)
        if not forest or est < len(paired):
            errs.append("differences: %d intervals for %d variants" %
                        (est, len(paired)))
    elif len(first) == 1 and forest:
        errs.append("differences drawn without a variant to compare")

    # teams: the bottleneck marked once in each variant that has one
    teams = kind("teams")
    if len(teams) != 1:
        errs.append("%d utilisation charts" % len(teams))
    else:
        want = sum(1 for v in first[:nshown] if v.get("bottleneck"))
        if teams[0]["bottlenecks"] != want:
            errs.append("teams: %d bottlenecks marked for %d variants" %
                        (teams[0]["bottlenecks"], want))

    # where the time goes: a chart per variant
    brk = kind("breakdown")
    if len(brk) != min(len(first), SMALL):
        errs.append("%d breakdown charts for %d variants" %
                    (len(brk), len(first)))

    # the timeline: throughput and lead time per period, WIP per variant
    if "timeline" in base:
        tl = kind("timeline")
        if len(tl) != 2:
            errs.append("%d timeline charts, not 2" % len(tl))
        for c in tl:
            if len(c["series"]) != nshown:
                errs.append("timeline '%s': %d lines for %d variants" %
                            (c["title"], len(c["series"]), nshown))
        wip = kind("wip")
        if len(wip) != min(len(first), SMALL):
            errs.append("%d WIP charts for %d variants" %
                        (len(wip), len(first)))
        for c, v in zip(wip, first):
            if c["areas"] != len(v["teams"]):
                errs.append("WIP chart of %s: %d bands for %d teams" %
                            (v["name"], c["areas"], len(v["teams"])))
    elif kind("timeline"):
        errs.append("timeline charts without a timeline")

    # the sweep
    if "vary" in res:
        names = []
        for v in variants:
            if v["name"] not in names:
                names.append(v["name"])
        if len(res["vary"]) == 2:
            heat = kind("heatmap")
            if len(heat) != min(len(names), HEAT):
                errs.append("%d heat maps for %d variants" %
                            (len(heat), len(names)))
            npoints = len(variants) // len(names)
            for c in heat:
                if c["cells"] != npoints:
                    errs.append("heat map: %d cells for %d points" %
                                (c["cells"], npoints))
        elif len(res["vary"]) == 1:
            sw = kind("sweep")
            if len(sw) != 1 or len(sw[0]["series"]) != min(len(names),
                                                            PALETTE):
                errs.append("sweep chart: not one line per variant")
    return errs


if __name__ == "__main__":
    problems = main(*sys.argv[1:4])
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)
