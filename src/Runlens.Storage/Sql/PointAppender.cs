using System.Data;
using System.Data.Common;
using System.Text;
using Runlens.Model;

namespace Runlens.Storage.Sql;

/// <summary>
/// Appends points to a run's series inside the caller's transaction, in a few statements whatever the number of metrics
/// (an MLflow log-batch may hold 1,000 different ones).
/// <list type="bullet">
/// <item>A small append that only moves forward (every metric's steps past what the run holds) is one row of the run's
/// pending log (<see cref="PendingLog"/>): one write whatever the number of metrics. The log is moved into the chunks
/// every <see cref="PendingLog.MaxBlocks"/> appends, before a large or a backward-reaching append, and before any read
/// of the run (<see cref="SqlRunStore"/>), so readers only ever see chunks.</item>
/// <item>Otherwise new points become new chunk rows after the series' last one, so an append never rewrites what is
/// stored; once a series has gathered <see cref="TailChunks"/> small chunks, or a chunk's worth of points, in its tail,
/// they are merged into full chunks (each point is rewritten about once).</item>
/// </list>
/// A point is the same point again when its name, step and wall time are: only a batch that reaches back to the series'
/// highest step reads stored chunks to find repeats, so a client's retry never duplicates and a run that logs forwards
/// never reads. Points are kept in the order they arrived.
/// </summary>
internal static class PointAppender
{
    /// <summary>Small chunks a series' tail may hold before they are merged.</summary>
    public const int TailChunks = 16;

    /// <summary>Series rows per multi-row statement.</summary>
    private const int RowsPerStatement = 16;

    public static async Task<long> AppendAsync(DbConnection connection, DbTransaction tx, string runId, IReadOnlyList<MetricPoints> batches, CancellationToken cancellationToken)
    {
        var series = await ReadSeriesAsync(connection, tx, runId, cancellationToken).ConfigureAwait(false);
        var pending = await PendingLog.ReadStateAsync(connection, tx, runId, cancellationToken).ConfigureAwait(false);
        var keys = series.Values.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        var work = new List<SeriesState>();
        foreach (var batch in batches.Where(b => b.Points.Count > 0))
        {
            if (!series.TryGetValue(batch.Name, out var state))
            {
                // A name first seen: the normalised key (live runs are analysed like imported ones), else the name itself.
                var key = Candidates(MetricNames.Normalize(batch.Name), batch.Name).First(k => !keys.Contains(k));
                keys.Add(key);
                state = new SeriesState(key, batch.Name) { IsNew = true, NextChunk = 0, TailStart = 0 };
                series[batch.Name] = state;
            }

            if (!work.Contains(state))
            {
                work.Add(state);
            }

            state.Requested.AddRange(batch.Points);
        }

        if (work.Count == 0)
        {
            return 0;
        }

        // Forward-only and small: one row of the pending log.
        var total = work.Sum(s => s.Requested.Count);
        if (pending.Blocks < PendingLog.MaxBlocks && pending.Points + total <= PendingLog.MaxPoints && work.All(s => s.IsNew || s.Requested.Min(p => p.Step) > Math.Max(s.Latest?.Step ?? long.MinValue, pending.MaxStep ?? long.MinValue)))
        {
            var entries = work.Select(s => (s.Key, Points: Distinct(s.Requested))).ToList();
            await PendingLog.AddAsync(connection, tx, runId, pending, entries, cancellationToken).ConfigureAwait(false);
            await SaveSeriesAsync(connection, tx, runId, [.. work.Where(s => s.IsNew)], cancellationToken).ConfigureAwait(false);
            return entries.Sum(e => e.Points.Count);
        }

        // Otherwise the pending log goes to the chunks first, so that this request's points come after it and are
        // checked against it.
        await FlushAsync(connection, tx, runId, series, pending, cancellationToken).ConfigureAwait(false);
        work.ForEach(s => s.Incoming.AddRange(s.Requested));
        return await WriteChunksAsync(connection, tx, runId, work, dedup: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moves the run's pending log into the chunks (in the order it was written) and empties it.</summary>
    public static async Task FlushAsync(DbConnection connection, DbTransaction tx, string runId, CancellationToken cancellationToken)
    {
        var pending = await PendingLog.ReadStateAsync(connection, tx, runId, cancellationToken).ConfigureAwait(false);
        if (pending.Blocks > 0)
        {
            await FlushAsync(connection, tx, runId, await ReadSeriesAsync(connection, tx, runId, cancellationToken).ConfigureAwait(false), pending, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task FlushAsync(DbConnection connection, DbTransaction tx, string runId, Dictionary<string, SeriesState> series, PendingLog.State pending, CancellationToken cancellationToken)
    {
        if (pending.Blocks == 0)
        {
            return;
        }

        var byKey = series.Values.ToDictionary(s => s.Key, StringComparer.Ordinal);
        var logged = await PendingLog.TakeAsync(connection, tx, runId, pending, cancellationToken).ConfigureAwait(false);
        var flushed = new List<SeriesState>();
        foreach (var (key, points) in logged)
        {
            // a series logged only in the pending log has its row already (written with the log)
            var state = byKey[key];
            state.Incoming.AddRange(points);
            flushed.Add(state);
        }

        // the pending points were checked against everything stored when they were logged: no repeats to look for
        await WriteChunksAsync(connection, tx, runId, flushed, dedup: false, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<long> WriteChunksAsync(DbConnection connection, DbTransaction tx, string runId, List<SeriesState> work, bool dedup, CancellationToken cancellationToken)
    {
        foreach (var state in work)
        {
            state.NextChunk ??= await NextChunkAsync(connection, tx, runId, state.Key, cancellationToken).ConfigureAwait(false);
            state.TailStart ??= state.NextChunk;
        }

        long added = 0;
        var rows = new List<(string Key, long Chunk, ReadOnlyMemory<SeriesPoint> Points)>();
        foreach (var s in work)
        {
            var fresh = dedup ? await FreshAsync(connection, tx, runId, s, cancellationToken).ConfigureAwait(false) : Distinct(s.Incoming);
            s.Incoming.Clear();
            if (fresh.Count == 0)
            {
                continue;
            }

            added += fresh.Count;
            var array = fresh.ToArray();
            for (var o = 0; o < array.Length; o += PointChunk.Size)
            {
                var n = Math.Min(PointChunk.Size, array.Length - o);
                rows.Add((s.Key, s.NextChunk!.Value, array.AsMemory(o, n)));
                s.NextChunk++;
                if (n < PointChunk.Size || s.TailCount > 0)
                {
                    s.TailCount++;
                    s.TailPoints += n;
                }
                else
                {
                    s.TailStart = s.NextChunk;
                }
            }

            var newest = SqlRunStore.Latest(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(fresh))!.Value;
            s.Latest = s.Latest is not { } old || SqlRunStore.IsLater(newest, old) ? newest : old;
            s.Changed = true;
        }

        await using var writer = new ChunkWriter(connection, tx, runId);
        await writer.WriteAsync(rows, cancellationToken).ConfigureAwait(false);
        foreach (var s in work.Where(s => s.TailCount >= TailChunks || s.TailPoints >= PointChunk.Size))
        {
            await CompactAsync(connection, tx, runId, writer, s, cancellationToken).ConfigureAwait(false);
        }

        await SaveSeriesAsync(connection, tx, runId, [.. work.Where(s => s.Changed || s.IsNew)], cancellationToken).ConfigureAwait(false);
        var latest = work.Where(s => s.Changed && s.Latest is not null).ToList();
        if (latest.Exists(s => !s.HadPoints))
        {
            // a series gained its first points: which series each name resolves to may have changed
            await SearchIndex.RebuildAsync(connection, tx, runId, cancellationToken).ConfigureAwait(false);
        }
        else if (latest.Count > 0)
        {
            await SearchIndex.UpdateValuesAsync(connection, tx, runId, latest.Select(s => new SearchIndex.Latest(s.Key, s.Name, s.Latest!.Value.Value)), cancellationToken).ConfigureAwait(false);
        }

        latest.ForEach(s => s.HadPoints = true);
        return added;
    }

    /// <summary>The points without repeats (same step and wall time) within themselves, in order.</summary>
    private static List<SeriesPoint> Distinct(List<SeriesPoint> points)
    {
        var seen = new HashSet<(long, long)>();
        return points.Where(p => seen.Add(Identity(p))).ToList();
    }

    /// <summary>The batch's points less those stored already and repeats within it. Stored chunks are read only when
    /// the batch reaches back to the series' highest step.</summary>
    private static async Task<List<SeriesPoint>> FreshAsync(DbConnection connection, DbTransaction tx, string runId, SeriesState s, CancellationToken cancellationToken)
    {
        var seen = new HashSet<(long, long)>();
        long lo = long.MaxValue, hi = long.MinValue;
        foreach (var p in s.Incoming)
        {
            lo = Math.Min(lo, p.Step);
            hi = Math.Max(hi, p.Step);
        }

        if (!s.IsNew && (s.Latest is null || lo <= s.Latest.Value.Step))
        {
            await using var cmd = SqlRunStore.Command(connection, tx,
                "SELECT data FROM chunks WHERE run_id = @id AND key = @key AND (lo_step IS NULL OR (hi_step >= @lo AND lo_step <= @hi))",
                ("@id", runId), ("@key", s.Key), ("@lo", lo), ("@hi", hi));
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var stored = new List<SeriesPoint>();
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                stored.Clear();
                PointChunk.Unpack((byte[])r.GetValue(0), stored);
                foreach (var p in stored)
                {
                    seen.Add(Identity(p));
                }
            }
        }

        return s.Incoming.Where(p => seen.Add(Identity(p))).ToList();
    }

    /// <summary>Merges the series' tail chunks into full chunks numbered from the tail's first; a last, partial one
    /// starts the new tail.</summary>
    private static async Task CompactAsync(DbConnection connection, DbTransaction tx, string runId, ChunkWriter writer, SeriesState s, CancellationToken cancellationToken)
    {
        var points = new List<SeriesPoint>();
        await using (var cmd = SqlRunStore.Command(connection, tx, "SELECT data FROM chunks WHERE run_id = @id AND key = @key AND chunk >= @from ORDER BY chunk",
            ("@id", runId), ("@key", s.Key), ("@from", s.TailStart!.Value)))
        await using (var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                PointChunk.Unpack((byte[])r.GetValue(0), points);
            }
        }

        await using (var delete = SqlRunStore.Command(connection, tx, "DELETE FROM chunks WHERE run_id = @id AND key = @key AND chunk >= @from",
            ("@id", runId), ("@key", s.Key), ("@from", s.TailStart.Value)))
        {
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var array = points.ToArray();
        var rows = new List<(string Key, long Chunk, ReadOnlyMemory<SeriesPoint> Points)>();
        var chunk = s.TailStart.Value;
        for (var o = 0; o < array.Length; o += PointChunk.Size)
        {
            rows.Add((s.Key, chunk++, array.AsMemory(o, Math.Min(PointChunk.Size, array.Length - o))));
        }

        await writer.WriteAsync(rows, cancellationToken).ConfigureAwait(false);
        var partial = array.Length % PointChunk.Size;
        s.NextChunk = chunk;
        s.TailStart = partial == 0 ? chunk : chunk - 1;
        s.TailCount = partial == 0 ? 0 : 1;
        s.TailPoints = partial;
    }

    private static async Task<Dictionary<string, SeriesState>> ReadSeriesAsync(DbConnection connection, DbTransaction tx, string runId, CancellationToken cancellationToken)
    {
        var series = new Dictionary<string, SeriesState>(StringComparer.Ordinal);
        await using var cmd = SqlRunStore.Command(connection, tx,
            "SELECT key, original_name, latest_step, latest_value, latest_wall, next_chunk, tail_start, tail_count, tail_points FROM series WHERE run_id = @id", ("@id", runId));
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            series[r.GetString(1)] = new SeriesState(r.GetString(0), r.GetString(1))
            {
                Latest = r.IsDBNull(2) ? null : new SeriesPoint(r.GetInt64(2), SqlRunStore.Decode(r, 3), double.NaN, SqlRunStore.Decode(r, 4)),
                HadPoints = !r.IsDBNull(2),
                NextChunk = r.IsDBNull(5) ? null : r.GetInt64(5),
                TailStart = r.IsDBNull(6) ? null : r.GetInt64(6),
                TailCount = r.GetInt32(7),
                TailPoints = r.GetInt32(8),
            };
        }

        return series;
    }

    /// <summary>For a series stored before chunk numbers were tracked: one past its highest chunk.</summary>
    private static async Task<long> NextChunkAsync(DbConnection connection, DbTransaction tx, string runId, string key, CancellationToken cancellationToken)
    {
        await using var cmd = SqlRunStore.Command(connection, tx, "SELECT COALESCE(MAX(chunk) + 1, 0) FROM chunks WHERE run_id = @id AND key = @key", ("@id", runId), ("@key", key));
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task SaveSeriesAsync(DbConnection connection, DbTransaction tx, string runId, List<SeriesState> changed, CancellationToken cancellationToken)
    {
        var commands = new Dictionary<int, DbCommand>();
        try
        {
            for (var offset = 0; offset < changed.Count; offset += RowsPerStatement)
            {
                var n = Math.Min(RowsPerStatement, changed.Count - offset);
                if (!commands.TryGetValue(n, out var cmd))
                {
                    var sql = new StringBuilder("INSERT INTO series (run_id, key, original_name, latest_step, latest_wall, latest_value, next_chunk, tail_start, tail_count, tail_points) VALUES ");
                    sql.AppendJoin(", ", Enumerable.Range(0, n).Select(i => $"(@id, @k{i}, @n{i}, @s{i}, @w{i}, @v{i}, @c{i}, @t{i}, @tc{i}, @tp{i})"));
                    sql.Append(" ON CONFLICT (run_id, key) DO UPDATE SET latest_step = excluded.latest_step, latest_wall = excluded.latest_wall, latest_value = excluded.latest_value, "
                        + "next_chunk = excluded.next_chunk, tail_start = excluded.tail_start, tail_count = excluded.tail_count, tail_points = excluded.tail_points");
                    cmd = SqlRunStore.Command(connection, tx, sql.ToString(), ("@id", runId));
                    for (var i = 0; i < n; i++)
                    {
                        SqlRunStore.AddParameter(cmd, "@k" + i, null, DbType.String);
                        SqlRunStore.AddParameter(cmd, "@n" + i, null, DbType.String);
                        SqlRunStore.AddParameter(cmd, "@s" + i, null, DbType.Int64);
                        SqlRunStore.AddParameter(cmd, "@w" + i, null, DbType.Double);
                        SqlRunStore.AddParameter(cmd, "@v" + i, null, DbType.Double);
                        SqlRunStore.AddParameter(cmd, "@c" + i, null, DbType.Int64);
                        SqlRunStore.AddParameter(cmd, "@t" + i, null, DbType.Int64);
                        SqlRunStore.AddParameter(cmd, "@tc" + i, null, DbType.Int32);
                        SqlRunStore.AddParameter(cmd, "@tp" + i, null, DbType.Int32);
                    }

                    commands[n] = cmd;
                }

                for (var i = 0; i < n; i++)
                {
                    var s = changed[offset + i];
                    var p = cmd.Parameters;
                    var at = 1 + (i * 9);
                    p[at].Value = s.Key;
                    p[at + 1].Value = s.Name;
                    p[at + 2].Value = s.Latest is { } l ? l.Step : DBNull.Value;
                    p[at + 3].Value = s.Latest is { } w ? SqlRunStore.Encode(w.WallTime) : DBNull.Value;
                    p[at + 4].Value = s.Latest is { } v ? SqlRunStore.Encode(v.Value) : DBNull.Value;
                    p[at + 5].Value = s.NextChunk is { } c ? c : DBNull.Value;
                    p[at + 6].Value = s.TailStart is { } t ? t : DBNull.Value;
                    p[at + 7].Value = s.TailCount;
                    p[at + 8].Value = s.TailPoints;
                }

                await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (var cmd in commands.Values)
            {
                await cmd.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>What makes a point the same point again: its step and wall time.</summary>
    private static (long, long) Identity(SeriesPoint p) => (p.Step, double.IsNaN(p.WallTime) ? long.MinValue : BitConverter.DoubleToInt64Bits(p.WallTime));

    private static IEnumerable<string> Candidates(string normalized, string name)
    {
        yield return normalized;
        yield return name;
        for (var n = 2; ; n++)
        {
            yield return $"{name}#{n}";
        }
    }

    /// <summary>A series as this append sees it: its latest point, where its next chunk goes, its tail of small chunks,
    /// and the points this request brings.</summary>
    private sealed class SeriesState(string key, string name)
    {
        public string Key { get; } = key;

        public string Name { get; } = name;

        public bool IsNew { get; init; }

        public bool Changed { get; set; }

        /// <summary>The search index has rows for this series (it had points before this write, or got them in it).</summary>
        public bool HadPoints { get; set; }

        public SeriesPoint? Latest { get; set; }

        public long? NextChunk { get; set; }

        public long? TailStart { get; set; }

        public int TailCount { get; set; }

        public int TailPoints { get; set; }

        /// <summary>The points to write next.</summary>
        public List<SeriesPoint> Incoming { get; } = [];

        /// <summary>The points this request brings.</summary>
        public List<SeriesPoint> Requested { get; } = [];
    }
}
