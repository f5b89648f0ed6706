#!/bin/bash
# Runs one command and estimates its wall time on a quiet machine from the kernel's
# per-thread accounting (/proc/PID/task/*/schedstat: ns running, ns runnable but
# waiting for a core): wall × running / (running + waiting). For measuring on a
# machine shared with other work; see BENCHMARKS.md.
#   benches/quiet_wall.sh LABEL COMMAND [ARGS…]
label=$1
shift
start=$(date +%s.%N)
"$@" >/dev/null 2>&1 &
pid=$!
declare -A last
while kill -0 "$pid" 2>/dev/null; do
  for t in /proc/$pid/task/*; do
    v=$(cat "$t/schedstat" 2>/dev/null) && last[$t]="$v"
  done
  sleep 0.1
done
end=$(date +%s.%N)
run=0
wait=0
for k in "${!last[@]}"; do
  read -r r w _ <<<"${last[$k]}"
  run=$((run + r))
  wait=$((wait + w))
done
python3 -c "
w = $end - $start; r = $run / 1e9; q = $wait / 1e9
print(f'$label: wall {w:.1f} s, running {r:.1f} s, waiting {q:.1f} s, estimated quiet wall {w * r / (r + q):.1f} s')"
