-- End to end with a real editor: Neovim's built-in LSP client (0.7 API) drives `godwit server`.
-- It opens an unsafe migration, receives godwit's diagnostics, edits the buffer and sees them
-- follow, asks for the rule's docs on hover, applies a code action and sees the finding go.
--
-- Run: GODWIT_BINARY=build/godwit nvim --headless --clean -n -i NONE -c "luafile tests/e2e/neovim_lsp.lua"
-- Exit code 0 when every step passed; 1 (with the reason on stderr) otherwise. Every wait polls
-- with a deadline: nothing sleeps to synchronize.

local godwit = os.getenv("GODWIT_BINARY")
local timeout = 120000 -- ms; generous: a loaded CI machine must not fail this
local step = "start"

local function check(condition, message)
  if not condition then
    error(message, 2)
  end
end

local function wait(what, predicate)
  step = what
  check(vim.wait(timeout, predicate, 20), "timed out waiting: " .. what)
end

local function write(path, text)
  vim.fn.mkdir(vim.fn.fnamemodify(path, ":h"), "p")
  vim.fn.writefile(vim.split(text, "\n", { plain = true }), path, "b")
end

local function main()
  check(godwit ~= nil and godwit ~= "", "set GODWIT_BINARY to the godwit binary")
  local root = vim.fn.tempname()
  write(root .. "/shop/migrations/0001_initial.py", [[
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            "Order",
            [("id", models.BigAutoField(primary_key=True, serialize=False)), ("status", models.CharField(max_length=20))],
        ),
    ]
]])
  -- On line 10, an emoji (2 UTF-16 units, 4 bytes) comes before the RunPython.
  local path = root .. "/shop/migrations/0002_backfill.py"
  write(path, [[
from django.db import migrations


def forwards(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [migrations.RunSQL("SELECT '🚀'", "SELECT 1"), migrations.RunPython(forwards)]
]])

  vim.cmd("edit " .. vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()
  local exit_code = nil
  local client_id = vim.lsp.start_client({
    name = "godwit",
    cmd = { godwit, "server", "--debounce-ms", "50" },
    root_dir = root,
    flags = { debounce_text_changes = 50 },
    on_exit = function(code)
      exit_code = code
    end,
  })
  check(client_id ~= nil, "the client did not start")
  check(vim.lsp.buf_attach_client(bufnr, client_id), "the client did not attach")
  local client = vim.lsp.get_client_by_id(client_id)

  local function findings(code)
    local out = {}
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if d.source == "godwit" and (code == nil or d.code == code) then
        table.insert(out, d)
      end
    end
    return out
  end

  -- 1. The unsafe migration gets godwit's diagnostics, where CI puts them.
  wait("RV001 on the RunPython", function()
    return #findings("RV001") == 1
  end)
  local rv001 = findings("RV001")[1]
  -- Neovim keeps byte columns: 66..96 on that line is what UTF-16 columns 64..94 mean there.
  check(rv001.lnum == 9 and rv001.col == 66 and rv001.end_lnum == 9 and rv001.end_col == 96,
    string.format("RV001 at %d:%d-%d:%d", rv001.lnum, rv001.col, rv001.end_lnum, rv001.end_col))
  check(rv001.severity == vim.diagnostic.severity.ERROR, "RV001 is not an error")
  check(rv001.message:find("cannot be rolled back", 1, true) ~= nil, "RV001 message: " .. rv001.message)
  local href = rv001.user_data.lsp.codeDescription.href
  check(href:match("#rv001$") ~= nil, "RV001 links to " .. tostring(href))
  check(#findings("ZD013") == 1, "no ZD013 on the RunSQL")

  -- 2. Typing a second RunPython into the operations: a second finding appears.
  vim.api.nvim_buf_set_lines(bufnr, 10, 10, false, { "    operations += [migrations.RunPython(forwards)]" })
  wait("a second RV001 for the new line", function()
    return #findings("RV001") == 2
  end)
  -- Deleting the line again: back to one, at its place.
  vim.api.nvim_buf_set_lines(bufnr, 10, 11, false, {})
  wait("one RV001 again", function()
    local found = findings("RV001")
    return #found == 1 and found[1].lnum == 9 and found[1].col == 66
  end)

  -- 3. Hover over the finding shows the rule's documentation.
  local position = { line = 9, character = 70 }
  step = "hover"
  local hovers = vim.lsp.buf_request_sync(bufnr, "textDocument/hover",
    { textDocument = vim.lsp.util.make_text_document_params(bufnr), position = position }, timeout)
  check(hovers ~= nil and hovers[client_id] ~= nil and hovers[client_id].result ~= nil, "no hover")
  local docs = hovers[client_id].result.contents.value
  check(docs:find("runpython-without-reverse", 1, true) and docs:find("## What it does", 1, true),
    "hover: " .. tostring(docs))

  -- 4. The code action adding `RunPython.noop` as the reverse, applied by the client: the finding goes.
  step = "code action"
  local actions = vim.lsp.buf_request_sync(bufnr, "textDocument/codeAction", {
    textDocument = vim.lsp.util.make_text_document_params(bufnr),
    range = { start = position, ["end"] = position },
    context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr, 9) },
  }, timeout)
  check(actions ~= nil and actions[client_id] ~= nil and actions[client_id].result ~= nil, "no code actions")
  local chosen = nil
  local titles = {}
  for _, action in ipairs(actions[client_id].result) do
    table.insert(titles, action.title)
    if action.title:find("reverse_code=migrations.RunPython.noop", 1, true) then
      chosen = action
    end
  end
  check(chosen ~= nil, "no RunPython.noop action among: " .. table.concat(titles, " | "))
  vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
  local line = vim.api.nvim_buf_get_lines(bufnr, 10, 11, false)[1]
  check(line:find("migrations.RunPython(forwards, reverse_code=migrations.RunPython.noop)", 1, true) ~= nil,
    "edited line: " .. line)
  wait("RV001 gone after the code action", function()
    return #findings("RV001") == 0 and #findings("ZD013") == 1
  end)

  -- 5. Shutdown and exit as the protocol asks: the server exits with 0.
  vim.lsp.stop_client(client_id)
  wait("the server to exit", function()
    return exit_code ~= nil
  end)
  check(exit_code == 0, "the server exited with " .. tostring(exit_code))
end

local ok, problem = xpcall(main, debug.traceback)
if ok then
  io.stdout:write("neovim end-to-end: every step passed\n")
  vim.cmd("qall!")
else
  io.stderr:write("neovim end-to-end failed at step `" .. step .. "`: " .. tostring(problem) .. "\n")
  vim.cmd("cquit 1")
end
