-- The CategoryKPIs the KPI step computed (kpi/KpiResults keeps the rows of category-kpis*.sql in
-- pipeline.category_kpis) for every date of the months of the dates in header touchedDates, for the curated zone's
-- month partitions: the same columns, so the same rounding applies.
SELECT category, order_date, daily_revenue, orders, returned_orders
  FROM pipeline.category_kpis
 WHERE date_trunc('month', order_date)
       IN (SELECT date_trunc('month', d) FROM unnest(ARRAY[:#in:touchedDates]::date[]) AS touched (d))
 ORDER BY order_date, category
