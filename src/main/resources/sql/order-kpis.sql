-- OrderKPIs of the touched order dates (CONTRACT section 5), aggregated where the data is: one row per date, exact
-- numeric sums and counts; KpiItems rounds them. Orders without lines count with zero revenue and items.
WITH o AS (SELECT order_id, order_date, user_id, returned
             FROM pipeline.orders WHERE order_date IN (:#in:touchedDates)),
     l AS (SELECT l.order_id, SUM(l.quantity * l.unit_price) AS revenue, SUM(l.quantity) AS items
             FROM pipeline.order_lines l JOIN o USING (order_id) GROUP BY l.order_id)
SELECT o.order_date,
       count(*) AS total_orders,
       count(*) FILTER (WHERE o.returned) AS returned_orders,
       count(DISTINCT o.user_id) AS unique_customers,
       COALESCE(SUM(l.revenue), 0) AS total_revenue,
       COALESCE(SUM(l.items), 0) AS total_items_sold
  FROM o LEFT JOIN l USING (order_id)
 GROUP BY o.order_date
 ORDER BY o.order_date
