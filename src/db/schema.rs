//! The one diesel schema, shared by both backends: only types both support (Text, BigInt, Integer, Bool,
//! Date, Timestamp). Kept by hand in step with `migrations/{sqlite,postgres}`; a test runs every migration.

diesel::table! {
    users (id) {
        id -> Text,
        username -> Text,
        display_name -> Text,
        password_hash -> Nullable<Text>,
        role -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Text,
        user_id -> Text,
        name -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> Text,
        username -> Text,
        client_ip -> Text,
        failed_at -> Timestamp,
    }
}

diesel::table! {
    counters (name) {
        name -> Text,
        value -> BigInt,
    }
}

diesel::table! {
    audit_head (id) {
        id -> Integer,
        seq -> BigInt,
        hash -> Text,
    }
}

diesel::table! {
    audit_events (seq) {
        seq -> BigInt,
        id -> Text,
        occurred_at -> Timestamp,
        actor_id -> Nullable<Text>,
        actor -> Text,
        action -> Text,
        resource_type -> Text,
        resource_id -> Nullable<Text>,
        patient_id -> Nullable<Text>,
        request_id -> Nullable<Text>,
        detail -> Nullable<Text>,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    practice (id) {
        id -> Integer,
        name -> Text,
        tax_id -> Nullable<Text>,
        npi -> Nullable<Text>,
        address_line1 -> Nullable<Text>,
        address_line2 -> Nullable<Text>,
        city -> Nullable<Text>,
        state -> Nullable<Text>,
        zip -> Nullable<Text>,
        phone -> Nullable<Text>,
        version -> Integer,
        updated_at -> Timestamp,
        clia_number -> Nullable<Text>,
    }
}

diesel::table! {
    providers (id) {
        id -> Text,
        npi -> Text,
        entity_type -> Text,
        last_name -> Text,
        first_name -> Nullable<Text>,
        middle_name -> Nullable<Text>,
        credential -> Nullable<Text>,
        taxonomy_code -> Text,
        is_billing -> Bool,
        is_rendering -> Bool,
        active -> Bool,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    locations (id) {
        id -> Text,
        name -> Text,
        address_line1 -> Text,
        address_line2 -> Nullable<Text>,
        city -> Text,
        state -> Text,
        zip -> Text,
        phone -> Nullable<Text>,
        place_of_service -> Text,
        npi -> Nullable<Text>,
        active -> Bool,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    payers (id) {
        id -> Text,
        name -> Text,
        payer_id -> Text,
        address_line1 -> Nullable<Text>,
        address_line2 -> Nullable<Text>,
        city -> Nullable<Text>,
        state -> Nullable<Text>,
        zip -> Nullable<Text>,
        claim_filing_indicator -> Text,
        active -> Bool,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    patients (id) {
        id -> Text,
        mrn -> Text,
        last_name -> Text,
        first_name -> Text,
        middle_name -> Nullable<Text>,
        date_of_birth -> Date,
        sex -> Text,
        address_line1 -> Text,
        address_line2 -> Nullable<Text>,
        city -> Text,
        state -> Text,
        zip -> Text,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
        last_name_key -> Text,
        first_name_key -> Text,
        active -> Bool,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    insurance_policies (id) {
        id -> Text,
        patient_id -> Text,
        payer_id -> Text,
        member_id -> Text,
        group_number -> Nullable<Text>,
        group_name -> Nullable<Text>,
        priority -> Text,
        relationship -> Text,
        subscriber_last_name -> Nullable<Text>,
        subscriber_first_name -> Nullable<Text>,
        subscriber_date_of_birth -> Nullable<Date>,
        subscriber_sex -> Nullable<Text>,
        subscriber_address_line1 -> Nullable<Text>,
        subscriber_address_line2 -> Nullable<Text>,
        subscriber_city -> Nullable<Text>,
        subscriber_state -> Nullable<Text>,
        subscriber_zip -> Nullable<Text>,
        effective_date -> Date,
        end_date -> Nullable<Date>,
        active -> Bool,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    container_types (code) {
        code -> Text,
        name -> Text,
        stability_hours -> Integer,
        active -> Bool,
        version -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    stations (id) {
        id -> Text,
        name -> Text,
        location -> Text,
        action -> Text,
        active -> Bool,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    lab_orders (id) {
        id -> Text,
        patient_id -> Text,
        provider_id -> Text,
        encounter_id -> Nullable<Text>,
        priority -> Text,
        clinical_note -> Nullable<Text>,
        status -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        diagnoses -> Text,
    }
}

diesel::table! {
    lab_order_tests (id) {
        id -> Text,
        order_id -> Text,
        position -> Integer,
        code -> Text,
        container_type -> Text,
        min_volume_ul -> BigInt,
        diagnosis_pointers -> Text,
    }
}

diesel::table! {
    specimens (id) {
        id -> Text,
        accession -> Text,
        order_id -> Text,
        patient_id -> Text,
        parent_id -> Nullable<Text>,
        replaces_id -> Nullable<Text>,
        container_type -> Text,
        test_codes -> Text,
        status -> Text,
        rejection_reason -> Nullable<Text>,
        rejection_note -> Nullable<Text>,
        required_volume_ul -> BigInt,
        collected_at -> Nullable<Timestamp>,
        collected_volume_ul -> Nullable<BigInt>,
        remaining_volume_ul -> Nullable<BigInt>,
        aliquot_count -> Integer,
        event_count -> Integer,
        station_id -> Nullable<Text>,
        location -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        collection_method -> Nullable<Text>,
    }
}

diesel::table! {
    specimen_events (id) {
        id -> Text,
        specimen_id -> Text,
        seq -> Integer,
        kind -> Text,
        from_status -> Nullable<Text>,
        to_status -> Nullable<Text>,
        actor_id -> Nullable<Text>,
        actor -> Text,
        station_id -> Nullable<Text>,
        location -> Nullable<Text>,
        note -> Nullable<Text>,
        detail -> Nullable<Text>,
        occurred_at -> Timestamp,
    }
}

diesel::table! {
    scan_requests (user_id, idempotency_key) {
        user_id -> Text,
        idempotency_key -> Text,
        request_hash -> Text,
        status -> Integer,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    encounters (id) {
        id -> Text,
        patient_id -> Text,
        rendering_provider_id -> Text,
        billing_provider_id -> Text,
        location_id -> Text,
        policy_id -> Nullable<Text>,
        date_of_service -> Date,
        status -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    encounter_diagnoses (encounter_id, position) {
        encounter_id -> Text,
        position -> Integer,
        code -> Text,
    }
}

diesel::table! {
    encounter_lines (id) {
        id -> Text,
        encounter_id -> Text,
        position -> Integer,
        code -> Text,
        modifiers -> Text,
        units -> Integer,
        charge_cents -> BigInt,
        charge_source -> Text,
        diagnosis_pointers -> Text,
        note -> Nullable<Text>,
        specimen_id -> Nullable<Text>,
        order_id -> Nullable<Text>,
    }
}

diesel::table! {
    fee_schedules (id) {
        id -> Text,
        name -> Text,
        payer_id -> Nullable<Text>,
        scope -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    fee_schedule_prices (id) {
        id -> Text,
        schedule_id -> Text,
        code -> Text,
        modifier -> Text,
        price_cents -> BigInt,
        effective_from -> Date,
        effective_to -> Nullable<Date>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    code_set_versions (id) {
        id -> Text,
        system -> Text,
        label -> Text,
        effective_from -> Date,
        effective_to -> Nullable<Date>,
        checksum -> Text,
        source -> Text,
        entry_count -> BigInt,
        seq -> BigInt,
        imported_at -> Timestamp,
    }
}

diesel::table! {
    code_entries (version_id, code) {
        version_id -> Text,
        code -> Text,
        description -> Text,
        short_description -> Nullable<Text>,
        billable -> Bool,
        notes -> Nullable<Text>,
    }
}

diesel::table! {
    ncci_edits (version_id, column1, column2, effective_date) {
        version_id -> Text,
        column1 -> Text,
        column2 -> Text,
        effective_date -> Date,
        deletion_date -> Nullable<Date>,
        modifier_indicator -> Text,
        rationale -> Text,
    }
}

diesel::table! {
    mue_limits (version_id, code) {
        version_id -> Text,
        code -> Text,
        max_units -> Integer,
        adjudication_indicator -> Text,
        rationale -> Text,
    }
}

diesel::table! {
    label_prints (id) {
        id -> Text,
        job_id -> Text,
        specimen_id -> Text,
        copies -> Integer,
        format -> Text,
        dpi -> Integer,
        reprint -> Bool,
        reason -> Nullable<Text>,
        actor_id -> Nullable<Text>,
        actor -> Text,
        printed_at -> Timestamp,
    }
}

diesel::table! {
    lab_charges (id) {
        id -> Text,
        kind -> Text,
        encounter_id -> Text,
        specimen_id -> Text,
        code -> Text,
        line_id -> Nullable<Text>,
        outcome -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    trading_partners (id) {
        id -> Text,
        name -> Text,
        isa01_qualifier -> Text,
        isa02_authorization -> Text,
        isa03_qualifier -> Text,
        isa04_security -> Text,
        sender_qualifier -> Text,
        sender_id -> Text,
        receiver_qualifier -> Text,
        receiver_id -> Text,
        acknowledgement_requested -> Bool,
        usage_indicator -> Text,
        gs02_sender_code -> Text,
        gs03_receiver_code -> Text,
        submitter_name -> Text,
        submitter_id -> Text,
        submitter_contact_name -> Text,
        submitter_contact_phone -> Text,
        submitter_contact_email -> Nullable<Text>,
        receiver_name -> Text,
        receiver_id_1000b -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        element_separator -> Text,
        component_separator -> Text,
        repetition_separator -> Text,
        segment_terminator -> Text,
    }
}

diesel::table! {
    trading_partner_payers (payer_id) {
        payer_id -> Text,
        partner_id -> Text,
    }
}

diesel::table! {
    claims (id) {
        id -> Text,
        claim_number -> Text,
        patient_id -> Text,
        encounter_id -> Text,
        policy_id -> Text,
        payer_id -> Text,
        status -> Text,
        current_version -> Integer,
        status_reasons -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        payer_claim_number -> Nullable<Text>,
    }
}

diesel::table! {
    claim_versions (claim_id, version) {
        claim_id -> Text,
        version -> Integer,
        clm01 -> Text,
        frequency -> Text,
        payer_claim_number -> Nullable<Text>,
        reason -> Nullable<Text>,
        snapshot -> Text,
        total_charge_cents -> BigInt,
        batched -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    claim_events (claim_id, seq) {
        claim_id -> Text,
        seq -> Integer,
        kind -> Text,
        from_status -> Nullable<Text>,
        to_status -> Nullable<Text>,
        version -> Integer,
        actor_id -> Nullable<Text>,
        actor -> Text,
        detail -> Nullable<Text>,
        occurred_at -> Timestamp,
    }
}

diesel::table! {
    claim_batches (id) {
        id -> Text,
        partner_id -> Text,
        status -> Text,
        interchange_control_number -> BigInt,
        group_control_number -> BigInt,
        reference -> Text,
        claim_count -> Integer,
        transaction_count -> Integer,
        total_charge_cents -> BigInt,
        file -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        sent_by -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        version -> Integer,
    }
}

diesel::table! {
    claim_batch_claims (batch_id, claim_id) {
        batch_id -> Text,
        claim_id -> Text,
        claim_version -> Integer,
        clm01 -> Text,
        transaction_control_number -> BigInt,
        position_in_transaction -> Integer,
        first_segment -> Integer,
        last_segment -> Integer,
    }
}

diesel::table! {
    x12_inbound_files (id) {
        id -> Text,
        sha256 -> Text,
        kind -> Text,
        interchange_control_number -> Text,
        sender_id -> Text,
        content -> Text,
        outcome -> Text,
        received_by -> Text,
        received_at -> Timestamp,
    }
}

diesel::table! {
    ledger_accounts (code) {
        code -> Text,
        name -> Text,
        account_type -> Text,
        normal_balance -> Text,
    }
}

diesel::table! {
    accounting_periods (month) {
        month -> Text,
        closed_at -> Timestamp,
        closed_by_id -> Nullable<Text>,
        closed_by -> Text,
    }
}

diesel::table! {
    journal_entries (id) {
        id -> Text,
        entry_date -> Date,
        kind -> Text,
        memo -> Text,
        claim_id -> Nullable<Text>,
        remittance_id -> Nullable<Text>,
        patient_id -> Nullable<Text>,
        encounter_id -> Nullable<Text>,
        payment_method -> Nullable<Text>,
        reverses -> Nullable<Text>,
        debit_total -> BigInt,
        credit_total -> BigInt,
        line_count -> Integer,
        actor_id -> Nullable<Text>,
        actor -> Text,
        posted_at -> Timestamp,
    }
}

diesel::table! {
    journal_lines (entry_id, line_no) {
        entry_id -> Text,
        line_no -> Integer,
        account_code -> Text,
        debit_cents -> BigInt,
        credit_cents -> BigInt,
        patient_id -> Nullable<Text>,
        claim_id -> Nullable<Text>,
    }
}

diesel::table! {
    remittance_files (id) {
        id -> Text,
        sha256 -> Text,
        payment_key -> Text,
        payer_id -> Text,
        trace_number -> Text,
        amount_cents -> BigInt,
        payment_date -> Date,
        claim_count -> Integer,
        content -> Text,
        outcome -> Text,
        completed -> Bool,
        received_by -> Text,
        received_at -> Timestamp,
    }
}

diesel::table! {
    remittance_claims (file_id, clp_index) {
        file_id -> Text,
        clp_index -> Integer,
        clp01 -> Text,
        claim_id -> Nullable<Text>,
        claim_version -> Nullable<Integer>,
        matched_by -> Nullable<Text>,
        result -> Text,
        detail -> Text,
        posted_at -> Timestamp,
    }
}

diesel::table! {
    remittance_unmatched (id) {
        id -> Text,
        file_id -> Text,
        clp_index -> Integer,
        clp01 -> Text,
        line_id -> Nullable<Text>,
        reason -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    patient_account_requests (patient_id, idempotency_key) {
        patient_id -> Text,
        idempotency_key -> Text,
        request_hash -> Text,
        status -> Integer,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(insurance_policies -> patients (patient_id));
diesel::joinable!(insurance_policies -> payers (payer_id));
diesel::joinable!(lab_orders -> patients (patient_id));
diesel::joinable!(lab_order_tests -> lab_orders (order_id));
diesel::joinable!(specimens -> lab_orders (order_id));
diesel::joinable!(specimens -> patients (patient_id));
diesel::joinable!(specimens -> container_types (container_type));
diesel::joinable!(code_entries -> code_set_versions (version_id));
diesel::joinable!(ncci_edits -> code_set_versions (version_id));
diesel::joinable!(mue_limits -> code_set_versions (version_id));
diesel::joinable!(label_prints -> specimens (specimen_id));
diesel::joinable!(lab_charges -> encounters (encounter_id));
diesel::joinable!(lab_charges -> specimens (specimen_id));
diesel::joinable!(trading_partner_payers -> trading_partners (partner_id));
diesel::joinable!(claim_versions -> claims (claim_id));
diesel::joinable!(claim_events -> claims (claim_id));
diesel::joinable!(claim_batches -> trading_partners (partner_id));
diesel::joinable!(claim_batch_claims -> claim_batches (batch_id));
diesel::joinable!(claim_batch_claims -> claims (claim_id));
diesel::joinable!(journal_lines -> journal_entries (entry_id));
diesel::joinable!(journal_lines -> ledger_accounts (account_code));
diesel::joinable!(remittance_claims -> remittance_files (file_id));
diesel::joinable!(remittance_unmatched -> remittance_files (file_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    api_tokens,
    login_failures,
    counters,
    audit_head,
    audit_events,
    practice,
    providers,
    locations,
    payers,
    patients,
    insurance_policies,
    container_types,
    stations,
    lab_orders,
    lab_order_tests,
    specimens,
    specimen_events,
    scan_requests,
    encounters,
    encounter_diagnoses,
    encounter_lines,
    fee_schedules,
    fee_schedule_prices,
    code_set_versions,
    code_entries,
    ncci_edits,
    mue_limits,
    label_prints,
    lab_charges,
    trading_partners,
    trading_partner_payers,
    claims,
    claim_versions,
    claim_events,
    claim_batches,
    claim_batch_claims,
    x12_inbound_files,
    ledger_accounts,
    accounting_periods,
    journal_entries,
    journal_lines,
    remittance_files,
    remittance_claims,
    remittance_unmatched,
    patient_account_requests,
);
