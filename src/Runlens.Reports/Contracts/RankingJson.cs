namespace Runlens.Reports.Contracts;

/// <summary>A run's place in the ranking (1 = best), its best and final points and how far it is behind the best.</summary>
public sealed record RankingJson(int Rank, string Run, PointJson Best, PointJson Final, double GapToBest);
