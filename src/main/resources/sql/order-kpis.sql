-- OrderKPIs of the order dates the batch touched (header touchedDates; docs/contract.md §5), aggregated where the
-- data is: one row per date, exact numeric sums and counts; KpiItems rounds them. Orders without lines count with
-- zero revenue and items. One join of the dates' orders with their lines, grouped by order (its other columns
-- depend on the primary key), then by date: no CTE read twice.
-- The shape for touched dates that hold a large share of all orders (KpiQueryPlan chooses; else
-- order-kpis-per-order.sql).
WITH per_order AS (
    SELECT o.order_date, o.user_id, o.returned,
           SUM(l.quantity * l.unit_price) AS revenue, SUM(l.quantity) AS items
      FROM pipeline.orders o
      LEFT JOIN pipeline.order_lines l ON l.order_id = o.order_id
     WHERE o.order_date IN (:#in:touchedDates)
     GROUP BY o.order_id)
SELECT order_date,
       count(*) AS total_orders,
       count(*) FILTER (WHERE returned) AS returned_orders,
       count(DISTINCT user_id) AS unique_customers,
       COALESCE(SUM(revenue), 0) AS total_revenue,
       COALESCE(SUM(items), 0) AS total_items_sold
  FROM per_order
 GROUP BY order_date
 ORDER BY order_date
