using System.Buffers.Binary;
using System.Data;
using System.Data.Common;
using System.Text;
using Runlens.Model;

namespace Runlens.Storage.Sql;

/// <summary>
/// A run's pending log: small forward-only appends, one row each (<c>pending</c> table), holding the points of every
/// metric of the append: <c>[entries]</c> then, per entry, <c>[key length][key UTF-8][count][count × 32-byte points]</c>
/// (little-endian). <see cref="PointAppender"/> moves the log into the chunks; the run's row counts its blocks and
/// points and keeps its highest step.
/// </summary>
internal static class PendingLog
{
    /// <summary>Blocks the log holds before it is moved into the chunks.</summary>
    public const int MaxBlocks = 16;

    /// <summary>Points the log holds at most; a larger append goes to the chunks directly.</summary>
    public const int MaxPoints = 20_000;

    /// <summary>The log's size and highest step, as the run's row records them.</summary>
    public sealed class State
    {
        public int Blocks { get; set; }

        public int Points { get; set; }

        public long? MaxStep { get; set; }
    }

    public static async Task<State> ReadStateAsync(DbConnection connection, DbTransaction tx, string runId, CancellationToken cancellationToken)
    {
        await using var cmd = SqlRunStore.Command(connection, tx, "SELECT pending_blocks, pending_points, pending_max_step FROM runs WHERE id = @id", ("@id", runId));
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await r.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new State { Blocks = r.GetInt32(0), Points = r.GetInt32(1), MaxStep = r.IsDBNull(2) ? null : r.GetInt64(2) }
            : new State();
    }

    /// <summary>Writes one block with these points and counts it in the run's row.</summary>
    public static async Task AddAsync(DbConnection connection, DbTransaction tx, string runId, State state, IReadOnlyList<(string Key, List<SeriesPoint> Points)> entries, CancellationToken cancellationToken)
    {
        var size = 4 + entries.Sum(e => 8 + Encoding.UTF8.GetByteCount(e.Key) + (e.Points.Count * 32));
        var block = new byte[size];
        var at = 0;
        BinaryPrimitives.WriteInt32LittleEndian(block, entries.Count);
        at += 4;
        foreach (var (key, points) in entries)
        {
            var name = Encoding.UTF8.GetBytes(key);
            BinaryPrimitives.WriteInt32LittleEndian(block.AsSpan(at), name.Length);
            name.CopyTo(block, at + 4);
            at += 4 + name.Length;
            BinaryPrimitives.WriteInt32LittleEndian(block.AsSpan(at), points.Count);
            at += 4;
            var packed = PointChunk.Pack(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(points));
            packed.CopyTo(block, at);
            at += packed.Length;
            foreach (var p in points)
            {
                state.MaxStep = Math.Max(state.MaxStep ?? long.MinValue, p.Step);
            }

            state.Points += points.Count;
        }

        await using (var insert = SqlRunStore.Command(connection, tx, "INSERT INTO pending (run_id, block, data) VALUES (@id, @block, @data)", ("@id", runId), ("@block", (long)state.Blocks)))
        {
            SqlRunStore.AddParameter(insert, "@data", block, DbType.Binary);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        state.Blocks++;
        await SaveStateAsync(connection, tx, runId, state, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the whole log in order — each key's points in the order they came — and empties it.</summary>
    public static async Task<List<(string Key, List<SeriesPoint> Points)>> TakeAsync(DbConnection connection, DbTransaction tx, string runId, State state, CancellationToken cancellationToken)
    {
        var byKey = new Dictionary<string, List<SeriesPoint>>(StringComparer.Ordinal);
        var order = new List<(string, List<SeriesPoint>)>();
        await using (var cmd = SqlRunStore.Command(connection, tx, "SELECT data FROM pending WHERE run_id = @id ORDER BY block", ("@id", runId)))
        await using (var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var block = (byte[])r.GetValue(0);
                var at = 4;
                for (var e = BinaryPrimitives.ReadInt32LittleEndian(block); e > 0; e--)
                {
                    var length = BinaryPrimitives.ReadInt32LittleEndian(block.AsSpan(at));
                    var key = Encoding.UTF8.GetString(block, at + 4, length);
                    at += 4 + length;
                    var count = BinaryPrimitives.ReadInt32LittleEndian(block.AsSpan(at));
                    at += 4;
                    if (!byKey.TryGetValue(key, out var points))
                    {
                        points = [];
                        byKey[key] = points;
                        order.Add((key, points));
                    }

                    PointChunk.Unpack(block.AsSpan(at, count * 32), points);
                    at += count * 32;
                }
            }
        }

        await using (var delete = SqlRunStore.Command(connection, tx, "DELETE FROM pending WHERE run_id = @id", ("@id", runId)))
        {
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        state.Blocks = 0;
        state.Points = 0;
        state.MaxStep = null;
        await SaveStateAsync(connection, tx, runId, state, cancellationToken).ConfigureAwait(false);
        return order;
    }

    private static async Task SaveStateAsync(DbConnection connection, DbTransaction tx, string runId, State state, CancellationToken cancellationToken)
    {
        await using var update = SqlRunStore.Command(connection, tx, "UPDATE runs SET pending_blocks = @blocks, pending_points = @points, pending_max_step = @max WHERE id = @id",
            ("@id", runId), ("@blocks", state.Blocks), ("@points", state.Points));
        SqlRunStore.AddParameter(update, "@max", state.MaxStep, DbType.Int64);
        await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
