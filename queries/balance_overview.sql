-- title: Balance verdicts per province and year
-- answers: how many counties meet 基本均衡 and 优质均衡 (resource allocation) at each level, per province and
--          year, from the tables that `countyedu balance` stores.
-- parameters: none
SELECT c.province_name AS province, v.year, v.level,
       count(*) FILTER (WHERE v.standard = 'basic')                 AS counties,
       count(*) FILTER (WHERE v.standard = 'basic' AND v.met)       AS basic_met,
       round(avg(v.composite_cv) FILTER (WHERE v.standard = 'basic'), 3) AS mean_composite_cv,
       count(*) FILTER (WHERE v.standard = 'quality' AND v.met)     AS quality_met,
       sum(v.schools_passing) FILTER (WHERE v.standard = 'quality') AS schools_passing,
       sum(v.schools) FILTER (WHERE v.standard = 'quality')         AS schools_in_scope
FROM balance_verdicts v
JOIN counties c USING (county_code)
GROUP BY ALL
ORDER BY province, v.year, v.level;
