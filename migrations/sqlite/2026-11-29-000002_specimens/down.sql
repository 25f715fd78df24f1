DROP TABLE scan_requests;
DROP TABLE specimen_events;
DROP TABLE specimens;
DROP TABLE lab_order_tests;
DROP TABLE lab_orders;
DROP TABLE stations;
DROP TABLE container_types;
