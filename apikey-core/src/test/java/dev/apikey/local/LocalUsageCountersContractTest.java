package dev.apikey.local;

import dev.apikey.spi.UsageCounters;
import dev.apikey.spi.UsageCountersContract;

import java.time.Clock;

/** The usage counters contract on the single-node counters. */
class LocalUsageCountersContractTest extends UsageCountersContract {
    @Override
    protected UsageCounters newCounters(Clock clock) {
        return new LocalUsageCounters(clock);
    }
}
