-- title: Counties failing a balance standard in a year
-- answers: which counties miss 基本均衡 or 优质均衡 (resource allocation) at each level in a year, and why, from the
--          verdicts `countyedu balance` stores.
-- parameters:
--   year integer = 2023: the year
SELECT v.standard, v.level, c.province_name, v.county_code, c.county_name,
       round(v.composite_cv, 4) AS composite_cv, v.cv_threshold,
       v.indicators_met, v.indicators, v.schools_passing, v.schools, v.reason
FROM balance_verdicts v
JOIN counties c USING (county_code)
WHERE v.year = $year AND NOT v.met
ORDER BY v.standard, v.level, c.province_name, v.county_code;
