-- The classic per-call charge the BRIEF compares against: one plpgsql function per charge that locks the
-- user row, checks and updates the balance, and inserts a ledger row and a job row (what
-- atomic_charge_credits / create_video_generation RPCs do on Supabase). Recreated on every bench run.
DROP TABLE IF EXISTS baseline_jobs, baseline_ledger, baseline_users CASCADE;
CREATE TABLE baseline_users (id int PRIMARY KEY, balance bigint NOT NULL CHECK (balance >= 0));
CREATE TABLE baseline_ledger (id bigserial PRIMARY KEY, user_id int NOT NULL, amount bigint NOT NULL,
                              balance_after bigint NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE baseline_jobs (id bigserial PRIMARY KEY, user_id int NOT NULL, cost bigint NOT NULL,
                            status text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
INSERT INTO baseline_users SELECT g, 1000000000000 FROM generate_series(1, 10000) g;

CREATE OR REPLACE FUNCTION atomic_charge_credits(p_user int, p_amount bigint) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    v_balance bigint;
BEGIN
    SELECT balance INTO v_balance FROM baseline_users WHERE id = p_user FOR UPDATE;
    IF v_balance IS NULL OR v_balance < p_amount THEN
        RETURN false;
    END IF;
    UPDATE baseline_users SET balance = balance - p_amount WHERE id = p_user;
    INSERT INTO baseline_ledger (user_id, amount, balance_after) VALUES (p_user, -p_amount, v_balance - p_amount);
    INSERT INTO baseline_jobs (user_id, cost, status) VALUES (p_user, p_amount, 'queued');
    RETURN true;
END $$;
