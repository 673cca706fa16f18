package dev.apikey.hazelcast.internal;

import dev.apikey.Cidr;
import dev.apikey.KeyRecord;
import dev.apikey.KeyStatus;
import dev.apikey.Per;
import dev.apikey.Quota;
import dev.apikey.RateLimit;
import dev.apikey.RateLimitPolicy;
import dev.apikey.Scope;
import dev.apikey.ScopeSet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The restrictive merge of two versions of one key's record (same id) that diverged during a split: whatever
 * either side restricted stays restricted, so a merge never widens what a key may do, whichever side was used
 * more or changed more often.
 * <ul>
 *   <li>status: REVOKED over SUSPENDED over ACTIVE;</li>
 *   <li>validity: the earlier expiry, the later not-before;</li>
 *   <li>scopes: what both sides grant (a scope of one side is kept if the other side grants it too, wildcards
 *       counted), so if one side narrowed the scopes, the narrower set results;</li>
 *   <li>allowed networks: "anywhere" (empty) yields to a list; of two lists, the networks of either that lie
 *       inside a network of the other; if none does, the key is suspended rather than allowed anywhere;</li>
 *   <li>limits: every limit of both policies (a request must pass them all); the quota with the smaller
 *       allowance per day; the smaller credits, with the party they count for (on a tie, the wider party);</li>
 *   <li>rotation links: kept if either side has one; legacy: if either side is;</li>
 *   <li>descriptive fields (owner, tenant, hint, labels): those of the side with the higher version;</li>
 *   <li>lastUsed: the later; version: one more than either side's.</li>
 * </ul>
 */
public final class RecordMerge {
    private RecordMerge() {
    }

    /** The merge of {@code a} and {@code b}, two versions of the same key's record. */
    public static KeyRecord restrictive(KeyRecord a, KeyRecord b) {
        if (!a.id().equals(b.id()) || !a.digest().equals(b.digest())) {
            throw new IllegalArgumentException("only versions of one key's record merge");
        }
        KeyRecord newer = b.version() > a.version() ? b : a;
        CidrMerge cidrs = cidrs(a.allowedCidrs(), b.allowedCidrs());
        KeyStatus status = strictest(a.status(), b.status());
        if (cidrs.disjoint() && status == KeyStatus.ACTIVE) {
            status = KeyStatus.SUSPENDED;
        }
        return newer.toBuilder()
                .status(status)
                .expires(earlier(a.expires(), b.expires()))
                .notBefore(LastUsed.later(a.notBefore(), b.notBefore()))
                .scopes(scopes(a.scopes(), b.scopes()))
                .allowedCidrs(cidrs.networks())
                .rateLimitPolicy(policies(a.rateLimitPolicy(), b.rateLimitPolicy()))
                .quota(quota(a.quota(), b.quota()))
                .credits(smaller(a.credits(), b.credits()))
                .creditsPer(creditsPer(a, b))
                .legacy(a.legacy() || b.legacy())
                .replaces(either(newer.replaces(), a.replaces(), b.replaces()))
                .replacedBy(either(newer.replacedBy(), a.replacedBy(), b.replacedBy()))
                .lastUsed(LastUsed.later(a.lastUsed(), b.lastUsed()))
                .version(Math.max(a.version(), b.version()) + 1)
                .build();
    }

    /** Whose balance the merged credits are: the side with the smaller credits; on a tie the wider party. */
    private static Per creditsPer(KeyRecord a, KeyRecord b) {
        if (a.credits() == null || b.credits() == null) {
            return a.credits() != null ? a.creditsPer() : b.creditsPer();
        }
        int c = Long.compare(a.credits(), b.credits());
        return c < 0 ? a.creditsPer() : c > 0 ? b.creditsPer()
                : a.creditsPer().compareTo(b.creditsPer()) >= 0 ? a.creditsPer() : b.creditsPer();
    }

    /** The first non-null of the newer side's value and the two sides' values. */
    private static String either(String newer, String a, String b) {
        return newer != null ? newer : a != null ? a : b;
    }

    static KeyStatus strictest(KeyStatus a, KeyStatus b) {
        return rank(a) >= rank(b) ? a : b;
    }

    private static int rank(KeyStatus s) {
        return switch (s) {
            case REVOKED -> 2;
            case SUSPENDED -> 1;
            case ACTIVE -> 0;
        };
    }

    private static Instant earlier(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b != null && b.isBefore(a) ? b : a;
    }

    private static Long smaller(Long a, Long b) {
        if (a == null) {
            return b;
        }
        return b != null && b < a ? b : a;
    }

    static ScopeSet scopes(ScopeSet a, ScopeSet b) {
        List<Scope> out = new ArrayList<>();
        for (Scope s : a.asSet()) {
            if (grants(b, s)) {
                out.add(s);
            }
        }
        for (Scope s : b.asSet()) {
            if (grants(a, s)) {
                out.add(s);
            }
        }
        return ScopeSet.of(new TreeSet<>(out));
    }

    private static boolean grants(ScopeSet set, Scope s) {
        for (Scope g : set.asSet()) {
            if (g.grants(s)) {
                return true;
            }
        }
        return false;
    }

    private record CidrMerge(List<Cidr> networks, boolean disjoint) {
    }

    private static CidrMerge cidrs(List<Cidr> a, List<Cidr> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return new CidrMerge(a.isEmpty() ? b : a, false);
        }
        List<Cidr> out = new ArrayList<>();
        for (Cidr c : a) {
            if (insideAny(c, b)) {
                out.add(c);
            }
        }
        for (Cidr c : b) {
            if (insideAny(c, a) && !out.contains(c)) {
                out.add(c);
            }
        }
        // Both sides restricted the key to networks that do not overlap: no list says "nowhere", so the
        // merge keeps one side's list and the key is suspended (see restrictive).
        return out.isEmpty() ? new CidrMerge(a, true) : new CidrMerge(out, false);
    }

    private static boolean insideAny(Cidr c, List<Cidr> networks) {
        String v = c.value();
        byte[] address = Cidr.literal(v.substring(0, v.indexOf('/')));
        for (Cidr n : networks) {
            if (n.prefixLength() <= c.prefixLength() && address != null && n.contains(address)) {
                return true;
            }
        }
        return false;
    }

    static RateLimitPolicy policies(RateLimitPolicy a, RateLimitPolicy b) {
        if (a == null || b == null || a.equals(b)) {
            // No policy means the deployment's default, which is not narrower than a policy of the key's own.
            return a == null ? b : a;
        }
        Map<String, RateLimit> all = new LinkedHashMap<>();
        List<RateLimit> both = new ArrayList<>(a.limits());
        both.addAll(b.limits());
        for (RateLimit l : both) {
            all.putIfAbsent(l.toString(), l);
        }
        List<RateLimit> limits = new ArrayList<>(all.values());
        if (limits.size() > 8 || hasDuplicateNames(limits)) {
            // Cannot hold both: keep the side whose tightest limit admits less per second.
            return perSecond(a) <= perSecond(b) ? a : b;
        }
        return new RateLimitPolicy(limits);
    }

    private static boolean hasDuplicateNames(List<RateLimit> limits) {
        return limits.stream().map(RateLimit::name).distinct().count() != limits.size();
    }

    private static double perSecond(RateLimitPolicy p) {
        double min = Double.MAX_VALUE;
        for (RateLimit l : p.limits()) {
            min = Math.min(min, l.permits() / (double) Math.max(1, l.period().toSeconds()));
        }
        return min;
    }

    static Quota quota(Quota a, Quota b) {
        if (a == null) {
            return b;
        }
        if (b == null || a.equals(b)) {
            return a;
        }
        return perDay(a) <= perDay(b) ? a : b;
    }

    private static double perDay(Quota q) {
        return q.period() == Quota.Period.DAY ? q.limit() : q.limit() / 31.0;
    }
}
