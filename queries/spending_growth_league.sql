-- title: Education spending growth league table of a province
-- answers: how fast each county's 一般公共预算教育支出 grew in a year, ranked within the province, with the
--          per-student figure beside it.
-- parameters:
--   province_code text = 140000: the province (6 digits)
--   year integer = 2023: the year
SELECT g.rank_in_province AS rank, g.county_code, c.county_name, c.prefecture_name,
       g.previous_value AS spending_before, g.value AS spending, round(g.pct_change, 2) AS growth_pct,
       round(p.pct_change, 2) AS per_student_growth_pct, g.note
FROM growth g
JOIN counties c USING (county_code)
LEFT JOIN growth p ON p.county_code = g.county_code AND p.year = g.year AND p.indicator = 'edu_expenditure_per_student'
WHERE g.indicator = 'edu_budget_expenditure' AND g.year = $year AND c.province_code = $province_code
ORDER BY g.rank_in_province NULLS LAST, g.county_code;
