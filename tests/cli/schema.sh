#!/bin/sh
# shellcheck disable=SC2015 # "check && ok || bad": ok cannot fail
# tests/cli/schema.sh - the JSON output of run and compare for every
# example (with a timeline, a sweep, a cost of delay) against
# docs/schema/results.schema.json (JSON Schema 2020-12, python3-jsonschema),
# and the schema against outputs it must refuse, so the test can fail.
# Usage: sh tests/cli/schema.sh CHAINSIM
set -u
BIN=$1
SCHEMA=docs/schema/results.schema.json
T=$(mktemp -d "${TMPDIR:-/tmp}/chainsim-schema.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM

PY=
for p in /usr/bin/python3 python3; do
    if command -v "$p" >/dev/null 2>&1 &&
       "$p" -c 'import jsonschema; jsonschema.Draft202012Validator' 2>/dev/null; then
        PY=$p; break
    fi
done
if [ -z "$PY" ]; then
    echo "schema: SKIPPED: no python3 with jsonschema (tools/install-deps python3-jsonschema)"
    exit 0
fi

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

# validate FILE...: each against the schema; prints the first errors.
validate() {
    "$PY" - "$SCHEMA" "$@" <<'PYEOF'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
bad = 0
for f in sys.argv[2:]:
    errs = sorted(v.iter_errors(json.load(open(f))), key=lambda e: list(e.path))
    for e in errs[:3]:
        print("%s: %s: %s" % (f, "/".join(map(str, e.path)), e.message[:200]))
    bad += len(errs) > 0
sys.exit(1 if bad else 0)
PYEOF
}

n=0
for f in scenarios/*.yaml; do
    name=$(basename "$f" .yaml)
    "$BIN" compare "$f" -n 3 -q -f json --timeline 100d -o "$T/$name.compare.json" &&
        "$BIN" run "$f" -n 2 -q -f json -o "$T/$name.run.json" ||
        bad "$name: the run failed"
    n=$((n + 2))
done
"$BIN" compare scenarios/kanban-wip.yaml -n 2 -q -f json \
    --vary teams.review.wip_limit=2,3 --vary teams.review.capacity=2,3 \
    -o "$T/sweep.json" || bad "sweep: the run failed"
"$BIN" run scenarios/bi-chain.yaml -n 2 -q -f json --seed 18446744073709551615 \
    --set 'work.data-product.cost_of_delay=400' -o "$T/bigseed.json" \
    || bad "big seed: the run failed"
"$BIN" compare scenarios/bi-chain.yaml -n 2 -q -f json --per-replication \
    --set 'work.data-product.cost_of_delay=400' -o "$T/reps.json" \
    || bad "per-replication: the run failed"
"$BIN" run scenarios/kanban-wip.yaml -n 2 -q -f json --per-replication \
    --vary teams.review.wip_limit=2,3 -o "$T/reps-sweep.json" \
    || bad "per-replication sweep: the run failed"
# the org-design mechanics that no example uses: preemption with a resume
# cost, multitasking, patience, CONWIP, a promise on a team
cat >"$T/mech.yaml" <<'YAML'
chainsim: 1
name: mechanics
horizon: 300d
warmup: 50d
wip_limit: 12
teams:
  - {name: dev, capacity: 3, wip_limit: 6, discipline: preemptive, resume_cost: 0.1d}
  - {name: sre, capacity: 2, multitasking: {items_per_person: 2, switch_loss: 0.2}}
  - {name: ml, capacity: 1}
  - {name: platform, capacity: 2, wip_limit: 3, handoff: 0.2d}
work:
  - name: model
    arrivals: {rate: 0.3/d}
    steps:
      - {team: ml, effort: exponential(0.5d)}
      - {teams: [ml, platform], effort: exponential(1d)}
  - name: feature
    arrivals: {rate: 1/d}
    patience: exponential(8d)
    steps:
      - {team: dev, effort: exponential(2d)}
      - {team: sre, effort: exponential(0.5d)}
  - name: incident
    priority: 2
    arrivals: {rate: 0.5/d}
    steps:
      - {team: dev, effort: exponential(0.5d)}
promise:
  - {name: features, work: feature, within: 20d, percentile: 80}
  - {name: dev visits, team: dev, within: 2d, percentile: 90}
variants:
  - name: no-patience
    patch: {work: {feature: {patience: null}}}
YAML
"$BIN" compare "$T/mech.yaml" -n 2 -q -f json -o "$T/mech.json" \
    || bad "mechanics: the run failed"
"$BIN" compare "$T/mech.yaml" -n 2 -q -f json --per-replication \
    -o "$T/mech-reps.json" || bad "mechanics per replication: the run failed"
grep -q '"reserved_fraction"' "$T/mech.json" && ok ||
    bad "mechanics: no reserved_fraction for the joint step's teams"
grep -q '"reserved_fraction"' "$T/mech-reps.json" && ok ||
    bad "mechanics per replication: no reserved_fraction"
"$BIN" run scenarios/x-as-a-service.yaml -n 2 -q -f json --per-replication \
    -o "$T/xaas-reps.json" || bad "escapes per replication: the run failed"
# the sequential procedures: --precision (absolute, relative, at the cap,
# in a sweep) and --select (complete and at the cap)
"$BIN" compare scenarios/quarter-end.yaml --precision 4% -q -f json \
    -o "$T/precision.json" || bad "--precision: the run failed"
"$BIN" run scenarios/kanban-wip.yaml --precision 0.5 --max-replications 12 \
    --vary teams.review.wip_limit=2,3 -q -f json -o "$T/precision-sweep.json" \
    || bad "--precision sweep: the run failed"
"$BIN" compare scenarios/sre-interruptions.yaml --select -q -f json \
    -o "$T/select.json" || bad "--select: the run failed"
"$BIN" compare scenarios/bi-chain.yaml --select --max-replications 12 -q \
    -f json -o "$T/select-cap.json" || bad "--select at the cap: the run failed"
if validate "$T"/*.json >"$T/errors" 2>&1; then ok; else
    bad "outputs that do not follow the schema:"; cat "$T/errors" >&2
fi
for x in "$T"/*.json; do
    grep -q '"schema_version": "1.1"' "$x" || { bad "$x: no schema_version"; break; }
done && ok

# It refuses: a field it does not know, a NaN-free field made a string, a
# verdict it does not know, a missing field.
"$PY" - "$T/bi-chain.compare.json" "$T" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
def save(name, obj):
    json.dump(obj, open("%s/bad-%s.json" % (sys.argv[2], name), "w"))
a = json.loads(json.dumps(d)); a["variants"][0]["surprise"] = 1; save("extra", a)
b = json.loads(json.dumps(d)); b["variants"][0]["lead_time"]["mean"] = "12"; save("type", b)
c = json.loads(json.dumps(d)); c["variants"][1]["promises"][0]["verdict"] = "maybe"; save("verdict", c)
e = json.loads(json.dumps(d)); del e["variants"][0]["teams"]; save("missing", e)
f = json.loads(json.dumps(d)); f["variants"][0]["teams"]["ingestion"]["utilization"] = -0.5; save("range", f)
r = json.load(open(sys.argv[2] + "/reps.json"))
g = json.loads(json.dumps(r)); g["replications"][0]["replication"] = 0; save("rep-zero", g)
h = json.loads(json.dumps(r)); h["replications"][0]["lead_time"]["p99"] = 1; save("rep-extra", h)
PYEOF
for x in "$T"/bad-*.json; do
    if validate "$x" >/dev/null 2>&1; then bad "the schema accepts $(basename "$x")"; else ok; fi
done

echo "schema: $pass passed, $fail failed ($n example outputs and a sweep)"
[ "$fail" -eq 0 ]
