-- title: Schools and enrolment per county and year
-- answers: how many schools of each kind a county reported each year, and how many pupils they teach;
--          the first thing to look at after a load (a county-year with few schools is a partial file).
-- parameters: none
SELECT c.province_name, c.county_code, c.county_name, s.year,
       count(*)                                                  AS schools,
       count(*) FILTER (WHERE s.school_type = 'teaching_point')  AS teaching_points,
       count(*) FILTER (WHERE s.school_type IN ('nine_year', 'complete_secondary', 'twelve_year')) AS combined_schools,
       sum(coalesce(s.primary_students, 0))                      AS primary_students,
       sum(coalesce(s.junior_students, 0))                       AS junior_students
FROM schools s
JOIN counties c USING (county_code)
GROUP BY ALL
ORDER BY c.province_name, c.county_code, s.year;
