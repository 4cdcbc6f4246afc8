-- title: Per-student education spending of a province's or prefecture's counties, ranked by growth
-- answers: each county's 生均一般公共预算教育支出 in a year and the year before, and its growth in percent (the
--          report's spending-growth league); a county without the year before has no growth and comes last.
-- parameters:
--   area_code text = 140000: a province or prefecture (6 digits)
--   year integer = 2023: the year
SELECT c.county_code, c.county_name, i.year, i.value, p.value AS previous,
       (i.value / p.value - 1) * 100 AS pct
FROM county_indicators i
JOIN counties c USING (county_code)
LEFT JOIN county_indicators p
       ON p.county_code = i.county_code AND p.indicator = i.indicator AND p.year = i.year - 1
WHERE i.indicator = 'edu_expenditure_per_student' AND i.year = $year
  AND $area_code IN (c.province_code, c.prefecture_code)
ORDER BY pct DESC NULLS LAST, c.county_code;
