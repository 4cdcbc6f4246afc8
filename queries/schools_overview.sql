-- title: Schools per province and year
-- answers: how many counties, schools, pupils and teaching points each province reported each year, and the share
--          of rural schools (urban–rural codes 2xx); what `countyedu demo` prints first.
-- parameters: none
SELECT c.province_name AS province, s.year,
       count(DISTINCT s.county_code) AS counties,
       count(*) AS schools,
       sum(coalesce(s.primary_students, 0)) AS primary_students,
       sum(coalesce(s.junior_students, 0)) AS junior_students,
       count(*) FILTER (WHERE s.school_type = 'teaching_point') AS teaching_points,
       round(100.0 * count(*) FILTER (WHERE s.urban_rural_code >= 200) / count(*), 1) AS rural_school_pct
FROM schools s
JOIN counties c USING (county_code)
GROUP BY ALL
ORDER BY province, s.year;
