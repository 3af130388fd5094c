-- queries.lua - a wrk script that cycles through episode descriptions in
-- several languages, so that the benchmark is not one cached query.
local queries = {
  "Kreditkarte%20zerschnitten", "Schwangerschaftstest", "Herz-OP",
  "Schildkr%C3%B6te%20mit%20Mundgeruch", "coeur", "Carrie%20Big%20Hotel",
  "Flaschenpost%20Schatzkarte", "lighthouse%20treasure%20map", "Yoga%20Kursleiter",
  "Miranda%20Nachbar%20Arzt",
}
local i = 0
request = function()
  i = i % #queries + 1
  return wrk.format("GET", "/v1/search?q=" .. queries[i] .. "&lang=en&fallback=de&limit=10")
end
