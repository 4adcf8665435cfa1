-- The OrderKPIs the KPI step computed for the dates in header touchedDates (kpi/KpiResults keeps the rows of
-- order-kpis*.sql in pipeline.order_kpis), for the curated zone: the same columns, so the same rounding applies.
SELECT order_date, total_orders, returned_orders, unique_customers, total_revenue, total_items_sold
  FROM pipeline.order_kpis
 WHERE order_date IN (:#in:touchedDates)
 ORDER BY order_date
