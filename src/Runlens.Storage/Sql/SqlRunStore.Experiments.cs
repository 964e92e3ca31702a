using System.Data.Common;
using System.Security.Cryptography;

namespace Runlens.Storage.Sql;

/// <summary>Experiments (see <see cref="IExperimentStore"/>). Imported runs create the experiment they name.</summary>
public abstract partial class SqlRunStore
{
    public async Task<Experiment> CreateExperimentAsync(string name, string? artifactLocation, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(tags);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (await ExperimentIdAsync(connection, tx, name, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw new AlreadyExistsException($"Experiment '{name}' already exists.");
        }

        var id = await EnsureExperimentAsync(connection, tx, name, cancellationToken, null, artifactLocation).ConfigureAwait(false);
        foreach (var (key, value) in tags)
        {
            await SetExperimentTagAsync(connection, tx, id, key, value, cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (await ReadExperimentsAsync(connection, "id", id, cancellationToken).ConfigureAwait(false))[0];
    }

    public async Task<Experiment?> GetExperimentAsync(string idOrName, bool byName = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(idOrName);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var found = await ReadExperimentsAsync(connection, byName ? "name" : "id", idOrName, cancellationToken).ConfigureAwait(false);
        return found.Count == 1 ? found[0] : null;
    }

    public async Task<IReadOnlyList<Experiment>> ListExperimentsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ReadExperimentsAsync(connection, null, null, cancellationToken).ConfigureAwait(false);
    }

    public async Task UpdateExperimentAsync(string id, string? name = null, string? lifecycle = null, IReadOnlyDictionary<string, string>? tags = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        string oldName;
        await using (var find = Command(connection, tx, "SELECT name FROM experiments WHERE id = @id" + ForUpdate, ("@id", id)))
        {
            oldName = await find.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string
                ?? throw new RunNotFoundException($"No Experiment with id={id} exists");
        }

        if (name is not null && name != oldName)
        {
            if (await ExperimentIdAsync(connection, tx, name, cancellationToken).ConfigureAwait(false) is not null)
            {
                throw new AlreadyExistsException($"Experiment '{name}' already exists.");
            }

            await using var runs = Command(connection, tx, "UPDATE runs SET experiment = @new WHERE experiment = @old", ("@new", name), ("@old", oldName));
            await runs.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var update = Command(connection, tx, "UPDATE experiments SET name = COALESCE(@name, name), lifecycle = COALESCE(@lifecycle, lifecycle), updated_ms = @now WHERE id = @id",
            ("@id", id), ("@name", name), ("@lifecycle", lifecycle), ("@now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())))
        {
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var (key, value) in tags ?? new Dictionary<string, string>())
        {
            await SetExperimentTagAsync(connection, tx, id, key, value, cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The id of the experiment with this name, created when missing. New ids are random 18-digit numbers, as
    /// MLflow's own stores make them, so concurrent writers never need to agree on the next one.</summary>
    private async Task<string> EnsureExperimentAsync(DbConnection connection, DbTransaction tx, string name, CancellationToken cancellationToken, string? id = null, string? artifactLocation = null)
    {
        if (await ExperimentIdAsync(connection, tx, name, cancellationToken).ConfigureAwait(false) is { } known)
        {
            return known;
        }

        id ??= (100_000_000_000_000_000 + RandomNumberGenerator.GetInt32(0, int.MaxValue) * 100_000_000L + RandomNumberGenerator.GetInt32(0, 100_000_000)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await using var insert = Command(connection, tx, """
            INSERT INTO experiments (id, name, artifact_location, lifecycle, created_ms, updated_ms) VALUES (@id, @name, @location, 'active', @now, @now)
            ON CONFLICT DO NOTHING
            """, ("@id", id), ("@name", name), ("@location", artifactLocation ?? "mlflow-artifacts:/" + id), ("@now", now));
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return await ExperimentIdAsync(connection, tx, name, cancellationToken).ConfigureAwait(false) ?? id;
    }

    private static async Task<string?> ExperimentIdAsync(DbConnection connection, DbTransaction tx, string name, CancellationToken cancellationToken)
    {
        await using var find = Command(connection, tx, "SELECT id FROM experiments WHERE name = @name", ("@name", name));
        return await find.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    private static async Task SetExperimentTagAsync(DbConnection connection, DbTransaction tx, string id, string key, string value, CancellationToken cancellationToken)
    {
        await using var cmd = Command(connection, tx, "INSERT INTO experiment_tags (experiment_id, key, value) VALUES (@id, @key, @value) "
            + "ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value", ("@id", id), ("@key", key), ("@value", value));
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<List<Experiment>> ReadExperimentsAsync(DbConnection connection, string? column, string? value, CancellationToken cancellationToken)
    {
        var rows = new List<(string Id, string Name, string Location, string Lifecycle, long Created, long Updated)>();
        await using (var cmd = Command(connection, null, "SELECT id, name, artifact_location, lifecycle, created_ms, updated_ms FROM experiments"
            + (column is null ? "" : $" WHERE {column} = @value") + " ORDER BY created_ms DESC, id", ("@value", value)))
        await using (var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add((r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4), r.GetInt64(5)));
            }
        }

        var tags = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        await using (var cmd = Command(connection, null, "SELECT experiment_id, key, value FROM experiment_tags"))
        await using (var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!tags.TryGetValue(r.GetString(0), out var t))
                {
                    t = new Dictionary<string, string>(StringComparer.Ordinal);
                    tags[r.GetString(0)] = t;
                }

                t[r.GetString(1)] = r.GetString(2);
            }
        }

        return [.. rows.Select(x => new Experiment(x.Id, x.Name, x.Location, x.Lifecycle, x.Created, x.Updated,
            tags.GetValueOrDefault(x.Id) ?? new Dictionary<string, string>(StringComparer.Ordinal)))];
    }
}
