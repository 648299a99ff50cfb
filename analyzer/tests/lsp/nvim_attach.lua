-- Neovim (0.7 API) as a real client of `ctxlint lsp`: attaches the server to a C buffer, waits
-- for its diagnostics and checks that async-capture is reported on the line marked
-- `// expect: async-capture` in the file. Writes "PASS: ..." or "FAIL: ..." to the result file
-- and exits 0 or 1. Run by nvim_test.py:
--   nvim --headless --clean -u nvim_attach.lua
-- with CTXLINT_BIN, CTXLINT_FILE, CTXLINT_CCDIR and CTXLINT_RESULT in the environment.
local bin = os.getenv("CTXLINT_BIN")
local file = os.getenv("CTXLINT_FILE")
local ccdir = os.getenv("CTXLINT_CCDIR")
local result = os.getenv("CTXLINT_RESULT")

local function finish(ok, msg)
  local f = io.open(result, "w")
  f:write((ok and "PASS: " or "FAIL: ") .. msg .. "\n")
  f:close()
  if ok then
    vim.cmd("qall!")
  else
    vim.cmd("cquit! 1")
  end
end

local ok, err = pcall(function()
  local want
  for i, line in ipairs(vim.fn.readfile(file)) do
    if line:find("// expect: async%-capture") then
      want = i - 1 -- diagnostics count lines from 0
    end
  end
  if not want then
    return finish(false, "no '// expect: async-capture' line in " .. file)
  end

  local exited
  local client_id = vim.lsp.start_client({
    name = "ctxlint",
    cmd = { bin, "lsp" },
    root_dir = vim.fn.fnamemodify(file, ":p:h"),
    init_options = { compileCommandsDir = ccdir },
    on_exit = function(code)
      exited = code
    end,
  })
  if not client_id then
    return finish(false, "vim.lsp.start_client failed")
  end
  vim.cmd("edit " .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(bufnr, client_id)

  local found
  vim.wait(30000, function()
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if d.code == "async-capture" and d.source == "ctxlint" then
        found = d
        return true
      end
    end
    return exited ~= nil
  end, 20)
  if not found then
    local got = {}
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      table.insert(got, string.format("%s@%d", tostring(d.code), d.lnum))
    end
    return finish(false, string.format("no async-capture diagnostic within 30 s (server %s; got: %s)",
      exited and ("exited " .. exited) or "running", table.concat(got, ", ")))
  end
  if found.lnum ~= want then
    return finish(false, string.format("async-capture on line %d, expected line %d", found.lnum + 1, want + 1))
  end

  -- A clean shutdown: stop() sends shutdown then exit; the server must exit with status 0.
  vim.lsp.get_client_by_id(client_id).stop()
  vim.wait(10000, function()
    return exited ~= nil
  end, 20)
  if exited ~= 0 then
    return finish(false, "server exit status after shutdown: " .. tostring(exited))
  end
  finish(true, string.format("async-capture on line %d of %s", want + 1, file))
end)
if not ok then
  finish(false, "error in the test: " .. tostring(err))
end
