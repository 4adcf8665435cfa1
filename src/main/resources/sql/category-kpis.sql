-- CategoryKPIs of the touched order dates (CONTRACT section 5): per category and date, the revenue of its lines and
-- the number of distinct orders (and returned ones) with a line in it. One row per category and date.
WITH o AS (SELECT order_id, order_date, returned
             FROM pipeline.orders WHERE order_date IN (:#in:touchedDates)),
     per_order AS (SELECT l.category, o.order_date, o.order_id, bool_or(o.returned) AS returned,
                          SUM(l.quantity * l.unit_price) AS revenue
                     FROM pipeline.order_lines l JOIN o USING (order_id)
                    GROUP BY l.category, o.order_date, o.order_id)
SELECT category, order_date,
       SUM(revenue) AS daily_revenue,
       count(*) AS orders,
       count(*) FILTER (WHERE returned) AS returned_orders
  FROM per_order
 GROUP BY category, order_date
 ORDER BY category, order_date
