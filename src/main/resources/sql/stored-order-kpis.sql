-- The OrderKPIs the KPI step computed (kpi/KpiResults keeps the rows of order-kpis*.sql in pipeline.order_kpis) for
-- every date of the months of the dates in header touchedDates, for the curated zone's month partitions: the same
-- columns, so the same rounding applies.
SELECT order_date, total_orders, returned_orders, unique_customers, total_revenue, total_items_sold
  FROM pipeline.order_kpis
 WHERE date_trunc('month', order_date)
       IN (SELECT date_trunc('month', d) FROM unnest(ARRAY[:#in:touchedDates]::date[]) AS touched (d))
 ORDER BY order_date
