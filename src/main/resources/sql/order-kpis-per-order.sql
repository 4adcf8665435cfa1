-- OrderKPIs of the touched order dates (header touchedDates; docs/contract.md §5), the same rows as order-kpis.sql,
-- for a batch whose dates hold a small share of all orders (KpiQueryPlan): each date's orders through the date index
-- and each order's lines through theirs, so the time follows the touched orders and not the history.
WITH per_order AS (
    SELECT o.order_date, o.user_id, o.returned, x.revenue, x.items
      FROM unnest(ARRAY[:#in:touchedDates]::date[]) AS d (order_date)
     CROSS JOIN LATERAL (SELECT order_id, order_date, user_id, returned FROM pipeline.orders
                          WHERE order_date = d.order_date OFFSET 0) o
     CROSS JOIN LATERAL (SELECT SUM(l.quantity * l.unit_price) AS revenue, SUM(l.quantity) AS items
                           FROM pipeline.order_lines l WHERE l.order_id = o.order_id) x)
SELECT order_date,
       count(*) AS total_orders,
       count(*) FILTER (WHERE returned) AS returned_orders,
       count(DISTINCT user_id) AS unique_customers,
       COALESCE(SUM(revenue), 0) AS total_revenue,
       COALESCE(SUM(items), 0) AS total_items_sold
  FROM per_order
 GROUP BY order_date
 ORDER BY order_date
