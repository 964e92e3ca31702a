using System.Data;
using System.Data.Common;
using Runlens.Model;

namespace Runlens.Storage.Sql;

/// <summary>
/// Writes chunk rows of one run inside a transaction through one prepared upsert: the packed points, the lowest,
/// highest and first non-finite point, and the step range (which lets an append find the chunks a retried point could
/// already be in). A chunk is only ever replaced by a longer version of itself, so an older, shorter copy of a run
/// never shrinks it.
/// </summary>
internal sealed class ChunkWriter : IAsyncDisposable
{
    private readonly DbCommand _cmd;

    public ChunkWriter(DbConnection connection, DbTransaction tx, string runId)
    {
        _cmd = SqlRunStore.Command(connection, tx, """
            INSERT INTO chunks (run_id, key, chunk, count, lo_step, hi_step,
                min_seq, min_step, min_value, min_epoch, min_wall, max_seq, max_step, max_value, max_epoch, max_wall,
                nan_seq, nan_step, nan_value, nan_epoch, nan_wall, data)
            VALUES (@id, @key, @chunk, @count, @lo_step, @hi_step, @min_seq, @min_step, @min_value, @min_epoch, @min_wall,
                @max_seq, @max_step, @max_value, @max_epoch, @max_wall, @nan_seq, @nan_step, @nan_value, @nan_epoch, @nan_wall, @data)
            ON CONFLICT (run_id, key, chunk) DO UPDATE SET count = excluded.count, lo_step = excluded.lo_step, hi_step = excluded.hi_step,
                min_seq = excluded.min_seq, min_step = excluded.min_step, min_value = excluded.min_value, min_epoch = excluded.min_epoch, min_wall = excluded.min_wall,
                max_seq = excluded.max_seq, max_step = excluded.max_step, max_value = excluded.max_value, max_epoch = excluded.max_epoch, max_wall = excluded.max_wall,
                nan_seq = excluded.nan_seq, nan_step = excluded.nan_step, nan_value = excluded.nan_value, nan_epoch = excluded.nan_epoch, nan_wall = excluded.nan_wall,
                data = excluded.data
            WHERE excluded.count > chunks.count
            """, ("@id", runId));
        SqlRunStore.AddParameter(_cmd, "@key", null, DbType.String);
        SqlRunStore.AddParameter(_cmd, "@chunk", null, DbType.Int64);
        SqlRunStore.AddParameter(_cmd, "@count", null, DbType.Int32);
        SqlRunStore.AddParameter(_cmd, "@lo_step", null, DbType.Int64);
        SqlRunStore.AddParameter(_cmd, "@hi_step", null, DbType.Int64);
        SqlRunStore.AddParameter(_cmd, "@data", null, DbType.Binary);
        foreach (var prefix in (string[])["min", "max", "nan"])
        {
            SqlRunStore.AddParameter(_cmd, $"@{prefix}_seq", null, DbType.Int64);
            SqlRunStore.AddParameter(_cmd, $"@{prefix}_step", null, DbType.Int64);
            SqlRunStore.AddParameter(_cmd, $"@{prefix}_value", null, DbType.Double);
            SqlRunStore.AddParameter(_cmd, $"@{prefix}_epoch", null, DbType.Double);
            SqlRunStore.AddParameter(_cmd, $"@{prefix}_wall", null, DbType.Double);
        }
    }

    /// <summary>Writes chunk number <paramref name="chunk"/> (at most <see cref="PointChunk.Size"/> points) of a series.</summary>
    public async Task WriteAsync(string key, long chunk, ReadOnlyMemory<SeriesPoint> points, CancellationToken cancellationToken)
    {
        Prepare(key, chunk, points.Span);
        await _cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private void Prepare(string key, long chunk, ReadOnlySpan<SeriesPoint> part)
    {
        var (min, max, nonFinite) = PointChunk.Summary(part);
        long lo = long.MaxValue, hi = long.MinValue;
        foreach (var p in part)
        {
            lo = Math.Min(lo, p.Step);
            hi = Math.Max(hi, p.Step);
        }

        _cmd.Parameters["@key"].Value = key;
        _cmd.Parameters["@chunk"].Value = chunk;
        _cmd.Parameters["@count"].Value = part.Length;
        _cmd.Parameters["@lo_step"].Value = lo;
        _cmd.Parameters["@hi_step"].Value = hi;
        _cmd.Parameters["@data"].Value = PointChunk.Pack(part);
        SetSlot("min", part, min, chunk);
        SetSlot("max", part, max, chunk);
        SetSlot("nan", part, nonFinite, chunk);
    }

    private void SetSlot(string prefix, ReadOnlySpan<SeriesPoint> part, int index, long chunk)
    {
        var present = index >= 0;
        var p = present ? part[index] : default;
        _cmd.Parameters[$"@{prefix}_seq"].Value = present ? (chunk * PointChunk.Size) + index : DBNull.Value;
        _cmd.Parameters[$"@{prefix}_step"].Value = present ? p.Step : DBNull.Value;
        _cmd.Parameters[$"@{prefix}_value"].Value = present ? SqlRunStore.Encode(p.Value) : DBNull.Value;
        _cmd.Parameters[$"@{prefix}_epoch"].Value = present ? SqlRunStore.Encode(p.Epoch) : DBNull.Value;
        _cmd.Parameters[$"@{prefix}_wall"].Value = present ? SqlRunStore.Encode(p.WallTime) : DBNull.Value;
    }

    public ValueTask DisposeAsync() => _cmd.DisposeAsync();
}
