package io.tally.payments.payment;

import java.util.List;
import java.util.Set;

/** The payment providers a checkout may name, and which currencies each takes. */
public final class Providers {

    public static final String FREE = "free";
    public static final String STRIPE = "stripe";
    public static final String PROMPTPAY = "promptpay";
    public static final String TRUEMONEY = "truemoney";
    public static final String APPLE = "apple";
    public static final String GOOGLE = "google";
    /** The gateway PromptPay and TrueMoney payments go through: a webhook path, never a payment's provider. */
    public static final String OPN = "opn";

    /** Providers a client can pay through ("free" is assigned to free packages, never chosen). */
    public static final List<String> PAYABLE = List.of(STRIPE, PROMPTPAY, TRUEMONEY, APPLE, GOOGLE);

    /** PromptPay and TrueMoney are Thai payment rails: baht only. */
    private static final Set<String> THB_ONLY = Set.of(PROMPTPAY, TRUEMONEY);

    public static boolean accepts(String provider, String currency) {
        return !THB_ONLY.contains(provider) || "THB".equals(currency);
    }

    private Providers() {
    }
}
