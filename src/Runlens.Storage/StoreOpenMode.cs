namespace Runlens.Storage;

/// <summary>How <see cref="RunStores.OpenAsync"/> treats a store that is not there.</summary>
public enum StoreOpenMode
{
    /// <summary>Open a store that exists; create no file, folder or table (what reading commands use). The store can
    /// still be written to.</summary>
    OpenExisting,

    /// <summary>Create the store (its SQLite file and folder, or its PostgreSQL tables) when it is missing.</summary>
    OpenOrCreate,
}
