package dev.apikey.internal.pipeline;

import dev.apikey.Decision;

/** One step of a verification: it lets the request go on, or ends it with an answer. */
interface Stage {
    /** The answer of a stage that found nothing against the request: the next stage decides. */
    Decision CONTINUE = null;

    /** {@link #CONTINUE}, or the decision that ends the request (rendered by {@link Responses}). */
    Decision check(Attempt attempt);
}
