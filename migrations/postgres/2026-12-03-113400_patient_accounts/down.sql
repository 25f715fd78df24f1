DROP TABLE patient_account_requests;
