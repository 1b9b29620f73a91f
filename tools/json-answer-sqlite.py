#!/usr/bin/env python3
# What one statement that builds a whole GraphQL answer as JSON costs SQLite, against the
# bench floor's row statement for the same answer (issue 13's next step: a list selection
# as one statement, `json_group_array`/`json_object`, nested rows as correlated subqueries).
# Reads a SQLite file made by `coso seed --demo`, read-only: 50 units of the district with
# the most units on 30/6/2025, their district, chief's rank and buildings with their status.
#
#   tools/json-answer-sqlite.py [DB] [TODAY]      # defaults: /tmp/demo.db, 2026-12-06
#
# Prints the milliseconds per execution of each (Python's sqlite3, 300 executions, three
# rounds; the floor's rows become Python tuples, the JSON is one text value).
import sqlite3, time, json
import sys
db = sqlite3.connect(f'file:{sys.argv[1] if len(sys.argv) > 1 else "/tmp/demo.db"}?mode=ro', uri=True)
day = '2025-06-30'
d = db.execute("SELECT district_code, count(*) c FROM unit_period WHERE district_code IS NOT NULL AND valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?) GROUP BY 1 ORDER BY 2 DESC LIMIT 1", (day, day)).fetchone()[0]
today = sys.argv[2] if len(sys.argv) > 2 else '2026-12-06'
TERR = "(EXISTS (SELECT 1 FROM unit_period t WHERE t.province_code = u.province_code AND t.valid_to IS NULL) OR EXISTS (SELECT 1 FROM unit_period t WHERE t.province_code = u.province_code AND t.valid_from = (SELECT MIN(valid_from) FROM unit_period)))"
IN_POST = "((u.valid_to IS NULL AND o.posted_to IS NULL) OR (u.valid_to IS NOT NULL AND o.posted_from <= u.valid_to AND (o.posted_to IS NULL OR o.posted_to > u.valid_to)))"
HELD = "((u.valid_to IS NULL AND h.held_to IS NULL) OR (u.valid_to IS NOT NULL AND (h.held_from IS NULL OR h.held_from <= u.valid_to) AND (h.held_to IS NULL OR h.held_to > u.valid_to)))"
STATUS = "CASE WHEN h.closed_on <= ?1 THEN 'CLOSED' WHEN h.in_use_on <= ?1 THEN 'IN_USE' WHEN h.construction_started_on <= ?1 THEN 'UNDER_CONSTRUCTION' WHEN h.approved_on <= ?1 THEN 'APPROVED' ELSE 'PLANNED' END"
floor = f"""SELECT u.id, u.code, u.name, d.code AS d_code, d.name AS d_name,
 (SELECT o.rank FROM officer o WHERE o.unit_code = u.code AND o.position = 'chief' AND {IN_POST} ORDER BY o.id LIMIT 1) AS chief_rank,
 UPPER(h.model) AS h_model, {STATUS} AS h_status
 FROM (SELECT u.id, u.code, u.name, u.district_code, u.valid_to FROM unit_period u
   WHERE u.district_code = ?2 AND u.valid_from <= ?3 AND (u.valid_to IS NULL OR u.valid_to >= ?3) AND {TERR}
   ORDER BY u.code, u.id LIMIT 50) u
 LEFT JOIN district d ON d.code = u.district_code
 LEFT JOIN headquarters h ON h.unit_code = u.code AND {HELD}
 ORDER BY u.code, u.id, h.id"""
js = f"""SELECT json_group_array(json_object('node', json_object('code', u.code, 'name', u.name,
   'district', (SELECT json_object('code', d.code, 'name', d.name) FROM district d WHERE d.code = u.district_code),
   'chief', json((SELECT json_object('rank', o.rank) FROM officer o WHERE o.unit_code = u.code AND o.position = 'chief' AND {IN_POST} ORDER BY o.id LIMIT 1)),
   'headquarters', (SELECT json_group_array(json_object('model', UPPER(h.model), 'status', {STATUS})) FROM headquarters h WHERE h.unit_code = u.code AND {HELD}))))
 FROM (SELECT u.id, u.code, u.name, u.district_code, u.valid_to FROM unit_period u
   WHERE u.district_code = ?2 AND u.valid_from <= ?3 AND (u.valid_to IS NULL OR u.valid_to >= ?3) AND {TERR}
   ORDER BY u.code, u.id LIMIT 50) u"""
args = (today, d, day)
def bench(sql, n=300):
    db.execute(sql, args).fetchall()
    t = time.perf_counter()
    for _ in range(n):
        rows = db.execute(sql, args).fetchall()
    return (time.perf_counter() - t) / n * 1000, rows
for r in range(3):
    tf, rf = bench(floor); tj, rj = bench(js)
    print(f"district {d}: floor rows {len(rf)} {tf:.3f} ms; json one row {len(rj[0][0])} bytes {tj:.3f} ms")
print(rj[0][0][:300])
