package dev.apikey.benchmarks;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

import java.io.IOException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Times the filter between {@link Start} and {@link Stop} inside the server, under load ({@code HttpBenchServer
 * servlet timed|timed-noop}): the nanoseconds from entering the filter to its call of the chain, as it runs among
 * Jetty's own work (with cold caches, on whichever pool thread), which a JMH figure of the hot code does not show.
 * Every {@value #REPORT_SECONDS} s it prints the mean over the requests of that interval: {@code filter-ns MEAN
 * over N requests on T threads} (T: how many of Jetty's pool threads ran it). {@code timed-noop} puts a pass-through filter in the same place, so its figure is what the
 * timing itself costs (two clock reads and a thread-local).
 */
public final class FilterTimer {
    private static final int REPORT_SECONDS = 5;
    private static final ThreadLocal<long[]> STARTED = ThreadLocal.withInitial(() -> new long[1]);
    private static final LongAdder NANOS = new LongAdder();
    private static final LongAdder COUNT = new LongAdder();
    /** The threads that ran the timed filter since the last report. */
    private static final java.util.Set<Thread> THREADS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Thread reporter = new Thread(FilterTimer::report, "filter-timer");
        reporter.setDaemon(true);
        reporter.start();
    }

    private FilterTimer() {
    }

    private static void report() {
        long lastNanos = 0;
        long lastCount = 0;
        while (true) {
            try {
                Thread.sleep(REPORT_SECONDS * 1000L);
            } catch (InterruptedException e) {
                return;
            }
            long nanos = NANOS.sum();
            long count = COUNT.sum();
            if (count > lastCount) {
                int threads = THREADS.size();
                THREADS.clear();
                System.out.printf("filter-ns %.1f over %d requests on %d threads%n",
                        (double) (nanos - lastNanos) / (count - lastCount), count - lastCount, threads);
                System.out.flush();
            }
            lastNanos = nanos;
            lastCount = count;
        }
    }

    /** The first filter: notes the time. */
    public static final class Start implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            STARTED.get()[0] = System.nanoTime();
            chain.doFilter(request, response);
        }
    }

    /** The filter after the timed one: adds the time since {@link Start}. */
    public static final class Stop implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            NANOS.add(System.nanoTime() - STARTED.get()[0]);
            COUNT.increment();
            THREADS.add(Thread.currentThread());
            chain.doFilter(request, response);
        }
    }
}
