-- CategoryKPIs of the order dates the batch touched (header touchedDates; docs/contract.md section 5): per
-- category and date, the revenue of its lines and the number of distinct orders (and returned ones) with a line in
-- it. The dates' orders joined with their lines, grouped by category and order (the order's date and returned flag
-- depend on its primary key), then by category and date. One row per category and date.
-- The shape for touched dates that hold a large share of all orders (KpiQueryPlan chooses; else
-- category-kpis-per-order.sql).
WITH per_order AS (
    SELECT l.category, o.order_date, o.returned, SUM(l.quantity * l.unit_price) AS revenue
      FROM pipeline.orders o
      JOIN pipeline.order_lines l ON l.order_id = o.order_id
     WHERE o.order_date IN (:#in:touchedDates)
     GROUP BY l.category, o.order_id)
SELECT category, order_date,
       SUM(revenue) AS daily_revenue,
       count(*) AS orders,
       count(*) FILTER (WHERE returned) AS returned_orders
  FROM per_order
 GROUP BY category, order_date
 ORDER BY category, order_date
