package io.tally.payments.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The business knobs of payments-service; every one can be set from the environment (TALLY_PAYMENTS_…). */
@ConfigMapping(prefix = "tally.payments")
public interface PaymentsConfig {

    /** Load the demo catalogue (THB and USD packages) at start-up; {@code ./dev up} turns it on. */
    @WithDefault("false")
    boolean demoCatalogue();

    /** A pending payment the provider never confirmed expires this long after checkout. */
    @WithDefault("1h")
    Duration pendingTimeout();

    @WithDefault("1m")
    Duration janitorEvery();

    /** A payment confirmed this long ago without its grant is listed by the unreconciled report. */
    @WithDefault("5m")
    Duration unreconciledAfter();

    Webhooks webhooks();

    interface Webhooks {
        /** The largest webhook body accepted; larger ones are logged and refused with 413. */
        @WithDefault("262144")
        int maxBodyBytes();

        /** Deliveries applied together in one transaction, at most. */
        @WithDefault("128")
        int maxBatchSize();

        /**
         * Batches committing at the same time; more deliveries wait and join the next batch. Two keep both cores
         * busy; more only make the batches smaller (measured with ./dev bench payments-webhooks).
         */
        @WithDefault("2")
        int maxConcurrentBatches();

        /**
         * Refused deliveries logged per sender address and {@link #refusalWindow()}. Beyond it the address is
         * answered 429 at once, before any signature check or database write, until the window is over (counted
         * as tally_payments_webhooks_throttled_total). A provider's deliveries are signed and are never refused in
         * numbers like this; a flood of forged ones is.
         */
        @WithDefault("30")
        int refusalsPerAddress();

        /** The window the refusal budget counts in; each address's budget starts again with the next one. */
        @WithDefault("1m")
        Duration refusalWindow();

        /** How long logged deliveries are kept: those whose signature held, and refused ones. */
        Retention retention();

        Stripe stripe();

        /** Opn Payments (formerly Omise), the gateway PromptPay and TrueMoney Wallet payments go through. */
        Opn opn();

        Apple apple();

        Google google();
    }

    interface Retention {
        /** Deliveries whose signature held: the record of what each provider told Tally. */
        @WithDefault("400d")
        Duration accepted();

        /** Refused deliveries (metadata only): long enough to investigate an attack or a misconfiguration. */
        @WithDefault("14d")
        Duration refused();
    }

    interface Stripe {
        /**
         * Endpoint signing secrets ({@code whsec_…}). While rotating, list the new and the old one: a delivery
         * signed with either is accepted.
         */
        Optional<List<String>> secrets();

        /** How far the signed timestamp may be from now (Stripe's own libraries use 5 minutes). */
        @WithDefault("5m")
        Duration tolerance();

        /**
         * Whether this deployment takes live payments (true) or Stripe's test mode (false): an event whose
         * {@code livemode} differs is refused, so a test-mode event can never credit a live account or the reverse.
         */
        boolean livemode();

        /**
         * The secret key ({@code sk_…}, or a restricted key that may read PaymentIntents) an operator's re-check of a
         * payment asks Stripe's API with; without it a Stripe payment cannot be re-checked.
         */
        Optional<String> secretKey();

        /** Stripe's API; a stand-in's in tests. */
        @WithDefault("https://api.stripe.com")
        String apiUrl();

        /** How long a re-check may wait for Stripe's API before it answers 503. */
        @WithDefault("10s")
        Duration apiTimeout();
    }

    interface Opn {
        /**
         * The webhook secret from Opn's dashboard (base64, as shown there). While rolling it, list the new and the
         * old one: Opn signs with both for a day.
         */
        Optional<List<String>> webhookSecrets();

        /** The secret key ({@code skey_…}) the charge lookups authenticate with. */
        Optional<String> secretKey();

        /** Opn's API; a stand-in's in tests. */
        @WithDefault("https://api.omise.co")
        String apiUrl();

        /** How long a charge lookup may take before the delivery is answered 503 (Opn then retries it). */
        @WithDefault("10s")
        Duration apiTimeout();

        /** How far the signed timestamp may be from now. */
        @WithDefault("5m")
        Duration tolerance();

        /** Live (true) or test-mode (false) events only, as Stripe's livemode. */
        boolean livemode();
    }

    interface Apple {
        /** PEM file of the root certificate the {@code x5c} chain must end in (Apple Root CA - G3 in production). */
        Optional<String> rootCertificate();

        /**
         * The app's bundle id; notifications for other apps are refused. Required once a root certificate enables
         * Apple: the service refuses to start without it.
         */
        Optional<String> bundleId();

        /** Accepted environments, Production and/or Sandbox. Required once Apple is enabled, like the bundle id. */
        Optional<List<String>> environments();

        /** Require Apple's marker extensions on the leaf and intermediate certificates, as Apple's library does. */
        @WithDefault("true")
        boolean requireAppleExtensions();
    }

    interface Google {
        /** JWKS of the keys that sign Pub/Sub push tokens: a file, or Google's https certificate URL. */
        @WithDefault("https://www.googleapis.com/oauth2/v3/certs")
        String jwksLocation();

        /** The audience configured on the push subscription. */
        Optional<String> audience();

        /** The service account the push subscription authenticates as. */
        Optional<String> serviceAccountEmail();

        /** The Android package name; notifications for other apps are refused. */
        Optional<String> packageName();

        /**
         * The service account key (Google's JSON key file, or its path) the Play Developer API is called with; the
         * account needs the "View financial data" and "Manage orders" permissions in Play Console.
         */
        Optional<String> serviceAccountKey();

        /** Google Play Developer API; a stand-in's in tests. */
        @WithDefault("https://androidpublisher.googleapis.com")
        String apiUrl();

        /** How long a Play Developer API call may take before the push is answered 503 (Pub/Sub then retries it). */
        @WithDefault("10s")
        Duration apiTimeout();

        /**
         * Credit purchases made by Play Console license testers ({@code purchaseType} 0), which cost nothing. Off in
         * production: a tester's purchase would otherwise grant real credits.
         */
        @WithDefault("false")
        boolean allowTestPurchases();
    }
}
