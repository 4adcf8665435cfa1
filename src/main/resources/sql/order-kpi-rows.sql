SELECT o.order_date, o.order_id, o.user_id, o.returned,
       COALESCE(SUM(l.quantity * l.unit_price), 0) AS revenue,
       COALESCE(SUM(l.quantity), 0) AS items
  FROM pipeline.orders o
  LEFT JOIN pipeline.order_lines l ON l.order_id = o.order_id
 WHERE o.order_date IN (:#in:touchedDates)
 GROUP BY o.order_id
