SELECT l.category, o.order_date, o.order_id, o.returned,
       SUM(l.quantity * l.unit_price) AS revenue
  FROM pipeline.order_lines l
  JOIN pipeline.orders o ON o.order_id = l.order_id
 WHERE o.order_date IN (:#in:touchedDates)
 GROUP BY l.category, o.order_id
