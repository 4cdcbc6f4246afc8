-- title: Counties whose composite CV worsened year on year
-- answers: where the gap between schools grew: the basic composite CV of a level this year against last year.
-- parameters:
--   year integer = 2023: the year compared with the year before
SELECT now.level, c.province_name, now.county_code, c.county_name,
       round(before.composite_cv, 4) AS cv_before, round(now.composite_cv, 4) AS cv_now,
       round(now.composite_cv - before.composite_cv, 4) AS change
FROM balance_verdicts now
JOIN balance_verdicts before
  ON before.county_code = now.county_code AND before.level = now.level AND before.standard = now.standard
 AND before.year = now.year - 1
JOIN counties c ON c.county_code = now.county_code
WHERE now.standard = 'basic' AND now.year = $year AND now.composite_cv > before.composite_cv
ORDER BY change DESC;
