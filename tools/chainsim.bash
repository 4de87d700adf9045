# Bash completion for chainsim; installed as
# PREFIX/share/bash-completion/completions/chainsim (loaded on demand by
# bash-completion), or sourced:  . tools/chainsim.bash
#
# Completes the commands, the options that apply to the command typed,
# file names for SCENARIO, the tracker export (*.csv: fit, backtest),
# --map, -o and --report, the formats of -f, and, read
# from the scenario on the command line, the names of --variant and the
# paths of --set and --vary (horizon=, teams.NAME.capacity=,
# work.CLASS.arrivals.rate=, work.CLASS.steps.ID.effort=, ...).
#
# The scenario is read with a small awk over block-style YAML: the
# top-level keys, the names of the elements of teams, work and variants
# (`- name: X` or `- {name: X, ...}`), and the step ids of each class in
# the base scenario (an `id:`, or a team named by one step only).  It
# stands alone: bash-completion's helpers are not needed.

# _chainsim_scan FILE: one line per name found, "T team", "C class",
# "S class step-id", "P class parallel-step-id", "B class parallel-step-id
# branch-id", "V variant".
_chainsim_scan() {
    [ -r "$1" ] && [ -f "$1" ] || return 0
    awk '
    function strip(s) {
        sub(/^[ \t]*/, "", s); sub(/[ \t]*(#.*)?$/, "", s)
        gsub(/^["\047]|["\047]$/, "", s)
        return s
    }
    # the value of KEY in a line, block (`KEY: v`) or flow (`{..., KEY: v}`)
    function val(line, key,   s) {
        s = line
        if (match(s, "(^|[{,][ \t]*|^[ \t]*-[ \t]+)" key ":[ \t]*")) {
            s = substr(s, RSTART + RLENGTH)
            if (s ~ /^\{/ || s ~ /^\[/) return ""
            sub(/[,}].*$/, "", s)
            return strip(s)
        }
        return ""
    }
    function indent(line) { match(line, /^ */); return RLENGTH }
    function flush_class(   k, id, pid) {
        if (cls == "") return
        print "C " cls
        for (k = 1; k <= n; k++) {
            id = (k in sid) ? sid[k] : \
                 ((k in stm) && tcount[stm[k]] == 1) ? stm[k] : ""
            eid[k] = id
            if (id == "") continue
            if (par[k] == 0) print (k in ispar ? "P " : "S ") cls " " id
            else if ((pid = eid[par[k]]) != "") print "B " cls " " pid " " id
        }
        split("", sid); split("", stm); split("", tcount); split("", par)
        split("", ispar); split("", eid); n = 0
    }
    /^[ \t]*(#|$)/ { next }
    /^[A-Za-z_]+:/ {
        flush_class(); cls = ""; steps = -1
        sec = $0; sub(/:.*/, "", sec); item = -1
        print "K " sec
        next
    }
    {
        ind = indent($0); line = substr($0, ind + 1)
        if (sec != "teams" && sec != "work" && sec != "variants") next
        if (line ~ /^-[ \t]/ && (item < 0 || ind == item)) {
            item = ind
            nm = val(line, "name")
            if (sec == "teams" && nm != "") print "T " nm
            if (sec == "variants" && nm != "") print "V " nm
            if (sec == "work") { flush_class(); cls = nm; steps = -1 }
            next
        }
        if (sec != "work") next
        if (line ~ /^name:/ && cls == "" && ind == item + 2) {
            cls = val(line, "name"); next
        }
        if (line ~ /^steps:/) { steps = ind; top = -1; pind = -1; next }
        if (steps < 0) next
        if (ind <= steps) { steps = -1; next }
        dash = (line ~ /^-[ \t]/)
        if (dash && (top < 0 || ind == top)) {
            top = ind; cur = topitem = ++n; par[n] = 0; pind = -1
        } else if (dash && pind >= 0 && ind > pind) {
            cur = ++n; par[n] = topitem
        } else if (!dash && pind >= 0 && ind <= pind) {
            cur = topitem; pind = -1
        }
        if (line ~ /^(-[ \t]+)?parallel:/) { pind = ind + (dash ? 2 : 0); ispar[cur] = 1 }
        id = val(line, "id"); if (id != "") sid[cur] = id
        tm = val(line, "team"); if (tm != "") { stm[cur] = tm; tcount[tm]++ }
    }
    END { flush_class() }
    ' "$1" 2>/dev/null
}

# The options of each command; those that take a value.
_chainsim_opts() {
    local all="-s --seed --horizon --warmup --set -o --output -q --quiet -h --help"
    case $1 in
    run) echo "$all -n --replications -j --threads --max-memory --timeline" \
              "--variant --vary -f --format --no-header --report --check-promise" \
              "--precision --max-replications --per-replication --shard" ;;
    compare) echo "$all -n --replications -j --threads --max-memory --timeline" \
                  "--vary -f --format --no-header --report --check-promise --independent" \
                  "--precision --max-replications --select --indifference" \
                  "--per-replication --shard" ;;
    merge) echo "-o --output -q --quiet -h --help -f --format --no-header --report" \
                "--check-promise" ;;
    check) echo "$all -n --replications --variant" ;;
    trace) echo "$all --variant -f --format --no-header -r --replication --max-events" ;;
    sensitivity) echo "$all -n --replications -j --threads --max-memory" \
                      "-f --format --no-header --report" ;;
    fit) echo "--map -o --output -f --format -q --quiet -h --help" ;;
    backtest) echo "-s --seed --set -o --output -q --quiet -h --help -n --replications" \
                   "--map --from --to -f --format" ;;
    *) echo "-h --help --version" ;;
    esac
}
_chainsim_takes_value() {
    case $1 in
    -n|--replications|-s|--seed|-j|--threads|--max-memory|--horizon|--warmup|\
    --timeline|--variant|--set|--vary|-f|--format|-o|--output|--report|\
    -r|--replication|--max-events|--precision|--max-replications|\
    --indifference|--map|--from|--to|--shard) return 0 ;;
    esac
    return 1
}

# _chainsim_paths FILE: the --set/--vary paths of the scenario, each with
# its '=' (or '.' where a path goes on).
_chainsim_paths() {
    local kind a b c k
    printf '%s\n' horizon= warmup= replications= seed= deadlock= timeline= \
        name= description= time=
    while read -r kind a b c; do
        case $kind in
        T) for k in capacity wip_limit discipline handoff focus type \
                    cost_per_day schedule schedule_every productivity \
                    intake; do
               printf '%s\n' "teams.$a.$k="
           done ;;
        C) for k in priority due backlog cost_of_delay start steps arrivals \
                    arrivals.rate arrivals.interval arrivals.batch \
                    arrivals.profile arrivals.profile_every; do
               printf '%s\n' "work.$a.$k="
           done ;;
        S) for k in effort p team handoff rework; do
               printf '%s\n' "work.$a.steps.$b.$k="
           done ;;
        P) for k in p parallel rework; do
               printf '%s\n' "work.$a.steps.$b.$k="
           done ;;
        B) for k in effort p team handoff; do
               printf '%s\n' "work.$a.steps.$b.parallel.$c.$k="
           done ;;
        esac
    done < <(_chainsim_scan "$1")
}

_chainsim() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev="" opt="" cmd="" scen=""
    local i w after_dd=0 skip=0 trk=""
    [ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD-1]}
    COMPREPLY=()

    # The command and the scenario: the first two operands before the word
    # being completed (an option's value is no operand).
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [ "$skip" = 1 ]; then
            skip=0
            [ "$w" = "=" ] && skip=1   # "--set", "=", "VALUE" (COMP_WORDBREAKS)
            continue
        fi
        if [ "$after_dd" = 0 ]; then
            case $w in
            --) after_dd=1; continue ;;
            --*=*) continue ;;
            -*) _chainsim_takes_value "$w" && skip=1; continue ;;
            esac
        fi
        if [ -z "$cmd" ]; then cmd=$w
        elif [ -z "$scen" ]; then scen=$w
        elif [ -z "$trk" ]; then trk=$w
        fi
    done

    # The option whose value is being completed: "--opt VALUE",
    # "--opt=VALUE" in one word, or "--opt" "=" "VALUE" as bash splits it.
    if [ "$after_dd" = 0 ]; then
        if [ "$prev" = "=" ] && [ "$COMP_CWORD" -ge 2 ]; then
            opt=${COMP_WORDS[COMP_CWORD-2]}
        elif [ "$cur" = "=" ] && _chainsim_takes_value "$prev"; then
            opt=$prev; cur=""
        elif [[ $cur == --*=* ]]; then
            opt=${cur%%=*}; cur=${cur#*=}
        elif _chainsim_takes_value "$prev"; then
            opt=$prev
        fi
        _chainsim_takes_value "$opt" || opt=""
    fi
    scen=${scen/#\~/$HOME}

    case $opt in
    -o|--output|--report)
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return 0 ;;
    --map)
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -X '!*.yaml' -- "$cur"
                                 compgen -f -X '!*.yml' -- "$cur"
                                 compgen -d -- "$cur")
        return 0 ;;
    -f|--format)
        case $cmd in
        trace) w=csv ;;
        fit|backtest) w="table json" ;;
        *) w="table csv json" ;;
        esac
        mapfile -t COMPREPLY < <(compgen -W "$w" -- "$cur"); return 0 ;;
    --warmup)
        mapfile -t COMPREPLY < <(compgen -W "auto" -- "$cur"); return 0 ;;
    --variant)
        mapfile -t COMPREPLY < <(compgen -W \
            "$(_chainsim_scan "$scen" | awk '$1 == "V" { print $2 }')" -- "$cur")
        return 0 ;;
    --set|--vary)
        compopt -o nospace 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -W "$(_chainsim_paths "$scen")" -- "$cur")
        return 0 ;;
    ?*) return 0 ;;   # a number, a size, a duration: nothing to offer
    esac

    if [ "$after_dd" = 0 ] && [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$(_chainsim_opts "$cmd")" -- "$cur")
        return 0
    fi
    if [ -z "$cmd" ]; then
        mapfile -t COMPREPLY < <(compgen -W "run compare check trace sensitivity fit backtest merge" -- "$cur")
        return 0
    fi
    # the tracker export: fit's operand, backtest's second
    if { [ "$cmd" = fit ] && [ -z "$scen" ]; } ||
       { [ "$cmd" = backtest ] && [ -n "$scen" ] && [ -z "$trk" ]; }; then
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -X '!*.csv' -- "$cur"
                                 compgen -d -- "$cur")
        return 0
    fi
    if [ "$cmd" = merge ]; then   # every operand is a part file
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -X '!*.part' -- "$cur"
                                 compgen -d -- "$cur")
        return 0
    fi
    if [ -z "$scen" ]; then
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -X '!*.yaml' -- "$cur"
                                 compgen -f -X '!*.yml' -- "$cur"
                                 compgen -d -- "$cur")
        return 0
    fi
    return 0
}
complete -F _chainsim chainsim
