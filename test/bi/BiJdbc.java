// What a JDBC BI tool (DBeaver, Metabase, Tableau) does, with pgjdbc over TCP as the BI login:
// password checked, recommend() with n bound as smallint, integer and bigint, every view of
// listen_wiseer read with plain column types, every write refused.
//
//   java -cp /usr/share/java/postgresql.jar:DIR BiJdbc URL USER PASSWORD PLAYLIST VIEW...
// (VIEW...: the views docs/reference.md documents for BI tools; each must exist.)
// Prints "ok ..." per check; exits 1 at the first failure.

import java.sql.*;
import java.util.*;

public class BiJdbc {
    static int checks = 0;

    static void check(boolean cond, String what) {
        if (!cond) {
            System.out.println("FAIL " + what);
            System.exit(1);
        }
        checks++;
        System.out.println("ok " + what);
    }

    static String sqlState(Runnable r) {
        try {
            r.run();
            return "none";
        } catch (RuntimeException e) {
            Throwable c = e.getCause();
            return c instanceof SQLException ? ((SQLException) c).getSQLState() : "runtime: " + e;
        }
    }

    interface SqlAction { void run() throws SQLException; }

    static Runnable wrap(SqlAction a) {
        return () -> {
            try { a.run(); } catch (SQLException e) { throw new RuntimeException(e); }
        };
    }

    // JDBC types a chart can use directly (no PGobject, no arrays).
    static final Set<Integer> PLAIN = new HashSet<>(Arrays.asList(
        Types.VARCHAR, Types.CHAR, Types.SMALLINT, Types.INTEGER, Types.BIGINT, Types.DOUBLE,
        Types.REAL, Types.NUMERIC, Types.BIT, Types.BOOLEAN, Types.DATE, Types.TIMESTAMP,
        Types.TIMESTAMP_WITH_TIMEZONE));

    public static void main(String[] args) throws Exception {
        String url = args[0], user = args[1], password = args[2], playlist = args[3];
        List<String> documented = Arrays.asList(args).subList(4, args.length);

        // a wrong password is refused (28P01 invalid_password)
        String state = sqlState(wrap(() -> DriverManager.getConnection(url, user, password + "x").close()));
        check(state.equals("28P01"), "wrong password refused (SQLSTATE " + state + ")");

        try (Connection c = DriverManager.getConnection(url, user, password)) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                     "SELECT current_user, current_setting('default_transaction_read_only'),"
                     + " pg_has_role(current_user, 'lw_reader', 'MEMBER'), inet_server_addr() IS NOT NULL")) {
                rs.next();
                check(rs.getString(1).equals(user), "connected over TCP as " + rs.getString(1));
                check(rs.getBoolean(4), "the connection is TCP, not the socket");
                check(rs.getString(2).equals("on"), "the login's transactions are read-only by default");
                check(rs.getBoolean(3), "the login is a member of lw_reader");
            }

            // recommend(?, n => ?) with n bound as each integer width a tool may send
            for (String kind : new String[] {"smallint", "integer", "bigint"}) {
                try (PreparedStatement ps = c.prepareStatement(
                         "SELECT rank, track_id, score FROM recommend(?, n => ?) ORDER BY rank")) {
                    ps.setString(1, playlist);
                    switch (kind) {
                        case "smallint": ps.setShort(2, (short) 5); break;
                        case "integer": ps.setInt(2, 5); break;
                        default: ps.setLong(2, 5L);
                    }
                    int rows = 0;
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rows++;
                            if (rs.getInt(1) != rows) check(false, "ranks 1..n in order");
                            double score = rs.getDouble(3);
                            if (Double.isNaN(score)) check(false, "score is a number");
                        }
                    }
                    check(rows == 5, "recommend(?, n => ?) with n bound as " + kind + ": " + rows + " rows");
                }
            }

            // every view of listen_wiseer: plain column types only, and every documented one exists
            List<String> views = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                     "SELECT table_name FROM information_schema.views WHERE table_schema = 'listen_wiseer' ORDER BY 1")) {
                while (rs.next()) views.add(rs.getString(1));
            }
            for (String v : documented) check(views.contains(v), "documented view listen_wiseer." + v + " is readable");
            for (String v : views) {
                int rows = 0;
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT * FROM listen_wiseer." + v + " LIMIT 200")) {
                    ResultSetMetaData md = rs.getMetaData();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        if (!PLAIN.contains(md.getColumnType(i)))
                            check(false, v + "." + md.getColumnName(i) + " has a plain type (is "
                                  + md.getColumnTypeName(i) + ")");
                    }
                    while (rs.next()) {
                        rows++;
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            Object o = rs.getObject(i);
                            if (o != null && (o instanceof org.postgresql.util.PGobject || o instanceof java.sql.Array))
                                check(false, v + "." + md.getColumnName(i) + " reads as a plain value");
                        }
                    }
                    check(true, "listen_wiseer." + v + ": " + md.getColumnCount() + " plain columns, " + rows + " rows read");
                }
            }

            // writes: refused by the read-only default, and by privileges once it is switched off
            String[] writes = {
                "INSERT INTO listen_wiseer.playlists (playlist_id, name) VALUES ('bi', 'bi')",
                "UPDATE listen_wiseer.tracks SET name = name",
                "DELETE FROM listen_wiseer.ingest_runs",
                "TRUNCATE listen_wiseer.feature_weights",
                "CREATE TABLE public.bi_was_here (a int)",
                "SELECT listen_wiseer.refresh_vectors()",
            };
            c.setAutoCommit(true);
            for (String w : writes) {
                String st = sqlState(wrap(() -> { try (Statement s = c.createStatement()) { s.execute(w); } }));
                // 25006 read_only_sql_transaction; calling a function it may not execute: 42501 first
                check(st.equals("25006") || st.equals("42501"), "refused by default: " + w + " (" + st + ")");
            }
            try (Statement s = c.createStatement()) { s.execute("SET default_transaction_read_only = off"); }
            for (String w : writes) {
                String st = sqlState(wrap(() -> { try (Statement s = c.createStatement()) { s.execute(w); } }));
                check(st.equals("42501"), "without privileges, even read-write: " + w + " (" + st + ")");
            }
        }
        System.out.println("jdbc: " + checks + " checks passed");
    }
}
