using System.Data;
using System.Data.Common;
using Runlens.Model;

namespace Runlens.Storage.Sql;

/// <summary>
/// Writes chunk rows of one run inside a transaction: the packed points, the lowest, highest and first non-finite point,
/// and the step range (which lets an append find the chunks a retried point could already be in). Rows go in
/// multi-row upserts of up to <see cref="RowsPerStatement"/> rows, through one command per row count that is kept and
/// re-executed (SQLite prepares it once) with its parameters set by position. A chunk is only ever replaced by a longer
/// version of itself, so an older, shorter copy of a run never shrinks it.
/// </summary>
internal sealed class ChunkWriter(DbConnection connection, DbTransaction tx, string runId) : IAsyncDisposable
{
    /// <summary>Rows per statement: more rows mean fewer statements but slower parameter binding.</summary>
    public const int RowsPerStatement = 16;

    private const int ParametersPerRow = 21;

    private const string Insert = """
        INSERT INTO chunks (run_id, key, chunk, count, lo_step, hi_step,
            min_seq, min_step, min_value, min_epoch, min_wall, max_seq, max_step, max_value, max_epoch, max_wall,
            nan_seq, nan_step, nan_value, nan_epoch, nan_wall, data)
        VALUES
        """;

    private const string OnConflict = """

        ON CONFLICT (run_id, key, chunk) DO UPDATE SET count = excluded.count, lo_step = excluded.lo_step, hi_step = excluded.hi_step,
            min_seq = excluded.min_seq, min_step = excluded.min_step, min_value = excluded.min_value, min_epoch = excluded.min_epoch, min_wall = excluded.min_wall,
            max_seq = excluded.max_seq, max_step = excluded.max_step, max_value = excluded.max_value, max_epoch = excluded.max_epoch, max_wall = excluded.max_wall,
            nan_seq = excluded.nan_seq, nan_step = excluded.nan_step, nan_value = excluded.nan_value, nan_epoch = excluded.nan_epoch, nan_wall = excluded.nan_wall,
            data = excluded.data
        WHERE excluded.count > chunks.count
        """;

    private static readonly string[] Slots = ["min", "max", "nan"];

    private readonly Dictionary<int, DbCommand> _commands = [];

    /// <summary>Writes the rows (chunks of any series of the run, at most <see cref="PointChunk.Size"/> points each).</summary>
    public async Task WriteAsync(IReadOnlyList<(string Key, long Chunk, ReadOnlyMemory<SeriesPoint> Points)> rows, CancellationToken cancellationToken)
    {
        for (var offset = 0; offset < rows.Count; offset += RowsPerStatement)
        {
            var n = Math.Min(RowsPerStatement, rows.Count - offset);
            if (!_commands.TryGetValue(n, out var cmd))
            {
                cmd = Build(n);
                _commands[n] = cmd;
            }

            for (var i = 0; i < n; i++)
            {
                var (key, chunk, points) = rows[offset + i];
                Prepare(cmd.Parameters, 1 + (i * ParametersPerRow), key, chunk, points.Span);
            }

            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private DbCommand Build(int rows)
    {
        var values = Enumerable.Range(0, rows).Select(i =>
            $"(@id, @key_{i}, @chunk_{i}, @count_{i}, @lo_step_{i}, @hi_step_{i}, "
            + string.Join(", ", Slots.Select(p => $"@{p}_seq_{i}, @{p}_step_{i}, @{p}_value_{i}, @{p}_epoch_{i}, @{p}_wall_{i}")) + $", @data_{i})");
        var cmd = SqlRunStore.Command(connection, tx, Insert + string.Join(", ", values) + OnConflict, ("@id", runId));
        for (var i = 0; i < rows; i++)
        {
            // in this order: Prepare sets them by position
            SqlRunStore.AddParameter(cmd, $"@key_{i}", null, DbType.String);
            SqlRunStore.AddParameter(cmd, $"@chunk_{i}", null, DbType.Int64);
            SqlRunStore.AddParameter(cmd, $"@count_{i}", null, DbType.Int32);
            SqlRunStore.AddParameter(cmd, $"@lo_step_{i}", null, DbType.Int64);
            SqlRunStore.AddParameter(cmd, $"@hi_step_{i}", null, DbType.Int64);
            SqlRunStore.AddParameter(cmd, $"@data_{i}", null, DbType.Binary);
            foreach (var prefix in Slots)
            {
                SqlRunStore.AddParameter(cmd, $"@{prefix}_seq_{i}", null, DbType.Int64);
                SqlRunStore.AddParameter(cmd, $"@{prefix}_step_{i}", null, DbType.Int64);
                SqlRunStore.AddParameter(cmd, $"@{prefix}_value_{i}", null, DbType.Double);
                SqlRunStore.AddParameter(cmd, $"@{prefix}_epoch_{i}", null, DbType.Double);
                SqlRunStore.AddParameter(cmd, $"@{prefix}_wall_{i}", null, DbType.Double);
            }
        }

        return cmd;
    }

    private static void Prepare(DbParameterCollection p, int at, string key, long chunk, ReadOnlySpan<SeriesPoint> part)
    {
        var (min, max, nonFinite) = PointChunk.Summary(part);
        long lo = long.MaxValue, hi = long.MinValue;
        foreach (var point in part)
        {
            lo = Math.Min(lo, point.Step);
            hi = Math.Max(hi, point.Step);
        }

        p[at].Value = key;
        p[at + 1].Value = chunk;
        p[at + 2].Value = part.Length;
        p[at + 3].Value = lo;
        p[at + 4].Value = hi;
        p[at + 5].Value = PointChunk.Pack(part);
        SetSlot(p, at + 6, part, min, chunk);
        SetSlot(p, at + 11, part, max, chunk);
        SetSlot(p, at + 16, part, nonFinite, chunk);
    }

    private static void SetSlot(DbParameterCollection p, int at, ReadOnlySpan<SeriesPoint> part, int index, long chunk)
    {
        var present = index >= 0;
        var point = present ? part[index] : default;
        p[at].Value = present ? (chunk * PointChunk.Size) + index : DBNull.Value;
        p[at + 1].Value = present ? point.Step : DBNull.Value;
        p[at + 2].Value = present ? SqlRunStore.Encode(point.Value) : DBNull.Value;
        p[at + 3].Value = present ? SqlRunStore.Encode(point.Epoch) : DBNull.Value;
        p[at + 4].Value = present ? SqlRunStore.Encode(point.WallTime) : DBNull.Value;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var cmd in _commands.Values)
        {
            await cmd.DisposeAsync().ConfigureAwait(false);
        }
    }
}
