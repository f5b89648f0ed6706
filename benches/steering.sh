#!/bin/bash
# Steering benchmarks on fixtures/nanchang (release build).
set -e
export T
cd "$(dirname "$0")/.."
B=./target/release/rotaplan
R=rules/nanchang-2021-2025.toml
T=${T:-$(mktemp -d)}
rm -rf $T/steer $T/p0 $T/pw $T/pwp $T/pp $T/prev $T/nanchang100
t() { /usr/bin/time -f "%e s %M KB" "$@" 2>&1 >/dev/null | tail -1; }
echo "gen: $(t $B --quiet gen --data fixtures/nanchang --rules $R --year 2021 --wishes --pins 200 --out $T/steer)"
wc -l $T/steer/wishes.csv $T/steer/pins.csv
for i in 1 2; do
echo "plain: $(t $B --quiet plan --data fixtures/nanchang --rules $R --year 2021 --out $T/p0 --force)"
echo "wishes: $(t $B --quiet plan --data fixtures/nanchang --rules $R --year 2021 --wishes $T/steer/wishes.csv --out $T/pw --force)"
echo "wishes+200 pins: $(t $B --quiet plan --data fixtures/nanchang --rules $R --year 2021 --wishes $T/steer/wishes.csv --pins $T/steer/pins.csv --out $T/pwp --force)"
echo "200 pins: $(t $B --quiet plan --data fixtures/nanchang --rules $R --year 2021 --pins $T/steer/pins.csv --out $T/pp --force)"
done
for d in p0 pw pwp pp; do python3 -c "
import json;s=json.load(open('$T/$d/summary.json'));print('$d', 'optimal',s['optimal'],'shortfall',s['shortfall'],'prio',s['filled_priority'],'sent',s['sent'],'wishes_met',s['wishes_met'],'solve_s',s.get('solve_seconds'))"; done
# --previous after 100 random previous movers become ineligible (joined their school in 2020).
python3 - <<'PY'
import csv, random, shutil, os
import os; T=os.environ['T']
shutil.copytree('fixtures/nanchang', T+'/nanchang100')
movers=[r['teacher_id'] for r in csv.DictReader(open(T+'/p0/plan.csv', encoding='utf-8-sig'))]
random.seed(7)
gone=set(random.sample(movers, 100))
open(T+'/gone.txt','w').write('\n'.join(sorted(gone)))
rows=list(csv.reader(open(T+'/nanchang100/teachers.csv', encoding='utf-8-sig')))
h=rows[0]; j=h.index('joined_school_year')
for r in rows[1:]:
    if r[0] in gone: r[j]='2020'
w=csv.writer(open(T+'/nanchang100/teachers.csv','w',newline='',encoding='utf-8'))
w.writerows(rows)
print('previous moves', len(movers), 'made ineligible', len(gone))
PY
echo "previous: $(t $B --quiet plan --data $T/nanchang100 --rules $R --year 2021 --previous $T/p0/plan.csv --out $T/prev --force)"
echo "no previous, same data: $(t $B --quiet plan --data $T/nanchang100 --rules $R --year 2021 --out $T/prev0 --force)"
python3 - <<'PY'
import csv, json, collections
import os; T=os.environ['T']
gone=set(open(T+'/gone.txt').read().split())
rows=list(csv.DictReader(open(T+'/prev/changes.csv', encoding='utf-8-sig')))
c=collections.Counter(r['change'] for r in rows)
prevrows=[r for r in rows if r['previous_to_school']]
others=[r for r in prevrows if r['teacher_id'] not in gone]
kept=sum(1 for r in others if r['change']=='kept')
print('changes', dict(c))
print('other previous moves', len(others), 'kept', kept, '%.2f%%' % (100*kept/len(others)))
print('reasons of the 100:', collections.Counter(r['reason'] for r in prevrows if r['teacher_id'] in gone))
print('reasons of other dropped/changed:', collections.Counter(r['reason'] for r in others if r['change']!='kept'))
s=json.load(open(T+'/prev/summary.json')); s0=json.load(open(T+'/prev0/summary.json'))
print('with previous: optimal', s['optimal'], 'shortfall', s['shortfall'], 'prio', s['filled_priority'], 'kept', s['kept'])
print('without      : optimal', s0['optimal'], 'shortfall', s0['shortfall'], 'prio', s0['filled_priority'])
# kept without --previous, for comparison
p0=dict((r['teacher_id'], r['to_school']) for r in csv.DictReader(open(T+'/p0/plan.csv', encoding='utf-8-sig')))
n0=sum(1 for r in csv.DictReader(open(T+'/prev0/plan.csv', encoding='utf-8-sig')) if p0.get(r['teacher_id'])==r['to_school'] and r['teacher_id'] not in gone)
print('kept by chance without --previous', n0)
PY
