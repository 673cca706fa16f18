package dev.apikey.jaxrs.admin;

/**
 * The scopes of the admin API. Each endpoint needs exactly one of the four rights, or {@link #ALL}:
 *
 * <table>
 *   <caption>Admin scopes</caption>
 *   <tr><th>scope</th><th>endpoints</th></tr>
 *   <tr><td>{@value #READ}</td><td>{@code GET /admin/keys}, {@code GET /admin/keys/{id}},
 *       {@code GET /admin/keys/review}</td></tr>
 *   <tr><td>{@value #ISSUE}</td><td>{@code POST /admin/keys}, {@code POST /admin/keys/{id}/rotate} (a rotation
 *       issues the successor)</td></tr>
 *   <tr><td>{@value #UPDATE}</td><td>{@code PATCH /admin/keys/{id}}, {@code POST /admin/keys/{id}/suspend},
 *       {@code POST /admin/keys/{id}/resume}</td></tr>
 *   <tr><td>{@value #REVOKE}</td><td>{@code POST /admin/keys/{id}/revoke}, {@code POST /admin/leaks} (a report
 *       revokes the keys it finds)</td></tr>
 * </table>
 *
 * {@value #ALL} (the scope of earlier versions) and {@code apikeys:*} hold all four. The scope only opens the
 * endpoint: what the calling key may then do is still bounded by its other scopes (it grants only what it holds) and
 * its tenant, see {@link dev.apikey.Actor}.
 */
public final class AdminScopes {
    /** Read keys and the key review. */
    public static final String READ = "apikeys:read";
    /** Issue and rotate keys. */
    public static final String ISSUE = "apikeys:issue";
    /** Change keys in place, suspend and resume them. */
    public static final String UPDATE = "apikeys:update";
    /** Revoke keys, and report leaked ones. */
    public static final String REVOKE = "apikeys:revoke";
    /** Every admin right. */
    public static final String ALL = "apikeys:admin";

    private AdminScopes() {
    }
}
