-- title: Which county indicators were reported, per year
-- answers: for each catalogued indicator and year, how many counties reported it and how many did not;
--          gaps here become "missing" verdicts in evaluation. The series growth derives (their Chinese names end
--          in （派生）) are not reported, so they are left out.
-- parameters: none
WITH county_years AS (
    SELECT DISTINCT county_code, year FROM county_indicators
)
SELECT k.indicator, k.name_zh, k.unit, cy.year,
       count(i.value)                 AS counties_reporting,
       count(*) - count(i.value)      AS counties_missing
FROM indicator_catalogue k
CROSS JOIN county_years cy
LEFT JOIN county_indicators i
       ON i.indicator = k.indicator AND i.county_code = cy.county_code AND i.year = cy.year
WHERE NOT k.name_zh LIKE '%（派生）'
GROUP BY ALL
ORDER BY k.indicator, cy.year;
