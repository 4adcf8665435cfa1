-- The CategoryKPIs the KPI step computed for the dates in header touchedDates (kpi/KpiResults keeps the rows of
-- category-kpis*.sql in pipeline.category_kpis), for the curated zone: the same columns, so the same rounding applies.
SELECT category, order_date, daily_revenue, orders, returned_orders
  FROM pipeline.category_kpis
 WHERE order_date IN (:#in:touchedDates)
 ORDER BY category, order_date
