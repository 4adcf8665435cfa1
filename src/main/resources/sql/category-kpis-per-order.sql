-- CategoryKPIs of the touched order dates (header touchedDates; docs/contract.md section 5), the same rows as
-- category-kpis.sql, for a batch whose dates hold a small share of all orders (KpiQueryPlan): each date's orders
-- through the date index and each order's lines, per category, through theirs.
WITH per_order AS (
    SELECT x.category, o.order_date, o.returned, x.revenue
      FROM unnest(ARRAY[:#in:touchedDates]::date[]) AS d (order_date)
     CROSS JOIN LATERAL (SELECT order_id, order_date, returned FROM pipeline.orders
                          WHERE order_date = d.order_date OFFSET 0) o
     CROSS JOIN LATERAL (SELECT l.category, SUM(l.quantity * l.unit_price) AS revenue
                           FROM pipeline.order_lines l WHERE l.order_id = o.order_id GROUP BY l.category) x)
SELECT category, order_date,
       SUM(revenue) AS daily_revenue,
       count(*) AS orders,
       count(*) FILTER (WHERE returned) AS returned_orders
  FROM per_order
 GROUP BY category, order_date
 ORDER BY category, order_date
