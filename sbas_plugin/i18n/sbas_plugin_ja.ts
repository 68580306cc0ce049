<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
  <context>
    <name>sbas_plugin</name>
    <message>
      <location filename="../../sbas_plugin/gui/install_mintpy.py" />
      <source>Install MintPy</source>
      <translation>MintPy のインストール</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/install_mintpy.py" />
      <source>MintPy {} is installed in {}, and MintPy runs with {} now.</source>
      <translation>MintPy {} を {} にインストールしました。今後 MintPy は {} で実行されます。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/install_mintpy.py" />
      <source>Stopped. Install again to go on where it stopped.</source>
      <translation>中止しました。もう一度インストールすると、止まったところから続けます。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/install_mintpy.py" />
      <source>MintPy and the modules it needs are installed from wheels (no compiler) into {}, built on {}. Solid-earth tides (SET) and ERA5 corrections are left out: their modules have no wheels for Windows.</source>
      <translation>MintPy と必要なモジュールを wheel から（コンパイラ不要で）{} にインストールします（基になる Python: {}）。固体地球潮汐（SET）と ERA5 補正は含みません。これらのモジュールには Windows 用の wheel がないためです。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/install_mintpy.py" />
      <source>Not available: {} (for them, install MintPy from conda-forge; see the README).</source>
      <translation>利用できない機能: {}（これらが必要な場合は conda-forge から MintPy をインストールしてください。README を参照）。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/install_mintpy.py" />
      <source>MintPy could not be installed: {}</source>
      <translation>MintPy をインストールできませんでした: {}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/jobs_table.py" />
      <source>pending</source>
      <translation>待機中</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/jobs_table.py" />
      <source>running</source>
      <translation>実行中</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/jobs_table.py" />
      <source>succeeded</source>
      <translation>成功</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/jobs_table.py" />
      <source>failed</source>
      <translation>失敗</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/jobs_table.py" />
      <source>submitted</source>
      <translation>投入済み</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/jobs_table.py" />
      <source>Pair</source>
      <translation>ペア</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/jobs_table.py" />
      <source>Status</source>
      <translation>状態</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/jobs_table.py" />
      <source>Expires</source>
      <translation>有効期限</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/new_acquisitions.py" />
      <source>{count} new acquisitions since {since}: Update on page 3 adds them.</source>
      <translation>{since} 以降の新しい観測が {count} 件あります。3 ページの「新しい観測で更新」で追加できます。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/new_acquisitions.py" />
      <source>Check for new acquisitions</source>
      <translation>新しい観測の確認</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/new_acquisitions.py" />
      <source>No new acquisitions since {}.</source>
      <translation>{} 以降の新しい観測はありません。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/new_acquisitions.py" />
      <source>No check for new acquisitions: {}</source>
      <translation>新しい観測を確認できませんでした: {}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/new_acquisitions.py" />
      <source>canceled</source>
      <translation>キャンセルされました</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <source>HyP3 and Earthdata</source>
      <translation>HyP3 と Earthdata</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <source>Where jobs are submitted; used when an algorithm's HyP3 API URL is empty.</source>
      <translation>ジョブの投入先です。アルゴリズムの HyP3 API URL が空のときに使われます。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <source>ASF endpoints</source>
      <translation>ASF のエンドポイント</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <source>HyP3 API URL</source>
      <translation>HyP3 API URL</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <source>Earthdata token</source>
      <translation>Earthdata トークン</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <source>Store the Earthdata token as an authentication configuration: method Basic, any user name, the token as password. Only the configuration's id is kept in the plugin's settings; the token stays in QGIS's encrypted authentication database. Without one, the EARTHDATA_TOKEN environment variable is used. Get a token at https://urs.earthdata.nasa.gov/ (Generate Token).</source>
      <translation>Earthdata トークンは認証設定として保存してください（方式は Basic、ユーザー名は任意、パスワードにトークン）。プラグインの設定には設定の ID だけが保存され、トークンは QGIS の暗号化された認証データベースに残ります。認証設定がない場合は環境変数 EARTHDATA_TOKEN が使われます。トークンは https://urs.earthdata.nasa.gov/ で取得できます（Generate Token）。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <source>MintPy</source>
      <translation>MintPy</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <source>Python interpreter that runs MintPy</source>
      <translation>MintPy を実行する Python インタプリタ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <source>A Python with MintPy installed, e.g. a conda environment's python. Empty: QGIS's own Python.</source>
      <translation>MintPy がインストールされた Python（例: conda 環境の python）。空欄: QGIS 自身の Python。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <source>Check</source>
      <translation>確認</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <source>Python for MintPy</source>
      <translation>MintPy 用の Python</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <source>Defaults</source>
      <translation>既定値</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <source>Download workers</source>
      <translation>並列ダウンロード数</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <source> days</source>
      <translation> 日</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <source>Longest temporal baseline</source>
      <translation>最大時間基線長</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <source> m</source>
      <translation> m</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <source>Largest perpendicular baseline</source>
      <translation>最大垂直基線長</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <source>Pixels whose temporal coherence is below this are flagged as unreliable.</source>
      <translation>時間的コヒーレンスがこの値未満の画素は、信頼性が低いものとして扱われます。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <source>Low-coherence threshold</source>
      <translation>低コヒーレンスのしきい値</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <source>Check ASF for new acquisitions when a work folder opens (once a day)</source>
      <translation>作業フォルダを開いたときに ASF で新しい観測を確認する（1 日 1 回）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <source>Checking…</source>
      <translation>確認中…</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <location filename="../../sbas_plugin/plugin.py" />
      <location filename="../../sbas_plugin/processing/provider.py" />
      <source>SBAS InSAR</source>
      <translation>SBAS InSAR</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <source>automatic: {}</source>
      <translation>自動: {}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <source>HyP3 Basic</source>
      <translation>HyP3 Basic</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <source>HyP3+</source>
      <translation>HyP3+</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <source>HyP3 test</source>
      <translation>HyP3 テスト</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <source>no answer within {:g} s</source>
      <translation>{:g} 秒以内に応答がありません</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <source>installed</source>
      <translation>インストール済み</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <source>it crashed</source>
      <translation>異常終了しました</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <source>MintPy cannot run: {}</source>
      <translation>MintPy を実行できません: {}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <source>Solid-earth tides (SET): {}. ERA5 tropospheric correction: {}.</source>
      <translation>固体地球潮汐（SET）: {}。ERA5 対流圏補正: {}。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <source>exit status {}</source>
      <translation>終了コード {}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <source>MintPy {} runs with {}.</source>
      <translation>MintPy {} は {} で実行されます。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <source>available</source>
      <translation>利用可能</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/options.py" />
      <source>not installed</source>
      <translation>未インストール</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/packages.py" />
      <source>Python packages (QGIS's Python)</source>
      <translation>Python パッケージ（QGIS の Python）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/packages.py" />
      <source>Install MintPy…</source>
      <translation>MintPy をインストール…</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/packages.py" />
      <source>Install MintPy, hyp3_sdk and asf_search from wheels into a Python environment of their own in the QGIS profile's folder, without a compiler, and run MintPy with it</source>
      <translation>MintPy・hyp3_sdk・asf_search を wheel から（コンパイラ不要で）QGIS プロファイルのフォルダ内の専用 Python 環境にインストールし、MintPy をその環境で実行します</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/packages.py" />
      <source>HyP3 jobs</source>
      <translation>HyP3 ジョブ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/packages.py" />
      <source>Sentinel-1 scene search</source>
      <translation>Sentinel-1 シーン検索</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/packages.py" />
      <source>MintPy time series</source>
      <translation>MintPy 時系列解析</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/packages.py" />
      <source>reading MintPy results</source>
      <translation>MintPy の結果の読み込み</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/packages.py" />
      <source>GeoTIFF reading and writing</source>
      <translation>GeoTIFF の読み書き</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/packages.py" />
      <source>graphs</source>
      <translation>グラフ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/packages.py" />
      <source>Every package is installed.</source>
      <translation>すべてのパッケージがインストールされています。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/packages.py" />
      <source>missing</source>
      <translation>未インストール</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/packages.py" />
      <source>Missing: {}. The plugin works without them, except for what they are for. Install them from the OSGeo4W Shell (Windows) or a terminal, then restart QGIS:
{}</source>
      <translation>未インストール: {}。これらがなくてもプラグインは動作しますが、それぞれの用途の機能は使えません。OSGeo4W Shell（Windows）またはターミナルでインストールし、QGIS を再起動してください:
{}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/results.py" />
      <source>Velocity (mm/yr)</source>
      <translation>速度 (mm/年)</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/results.py" />
      <source>Temporal coherence</source>
      <translation>時間的コヒーレンス</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/results.py" />
      <source>Displacement (mm)</source>
      <translation>変位 (mm)</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/results.py" />
      <source>Displacement {date} (mm)</source>
      <translation>変位 {date} (mm)</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/results.py" />
      <source>Vertical velocity (mm/yr, + up)</source>
      <translation>上下方向の速度（mm/年、+ 隆起）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/results.py" />
      <source>East-west velocity (mm/yr, + east)</source>
      <translation>東西方向の速度（mm/年、+ 東向き）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/results.py" />
      <source>Vertical displacement (mm)</source>
      <translation>上下方向の変位（mm）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/results.py" />
      <source>Vertical {date} (mm)</source>
      <translation>上下 {date}（mm）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/results.py" />
      <source>Points (velocity mm/yr)</source>
      <translation>点（速度 mm/年）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/results.py" />
      <source>Points (vertical mm/yr)</source>
      <translation>ポイント（上下 mm/年）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/results.py" />
      <source>SBAS {name}</source>
      <translation>SBAS {name}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/results.py" />
      <source>SBAS vertical {name}</source>
      <translation>SBAS 上下 {name}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/runner.py" />
      <source>see the log</source>
      <translation>ログを参照してください</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/runner.py" />
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <source>SBAS</source>
      <translation>SBAS</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/runner.py" />
      <source>{} is still running.</source>
      <translation>{} はまだ実行中です。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/runner.py" />
      <source>The Processing algorithm {} is not available.</source>
      <translation>プロセシングアルゴリズム {} が利用できません。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/runner.py" />
      <source>{} canceled.</source>
      <translation>{} をキャンセルしました。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/runner.py" />
      <source>{} failed: {}</source>
      <translation>{} が失敗しました: {}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/series_plot.py" />
      <source>LOS = line of sight to the satellite.  + towards the satellite,  - away from it (subsidence shows as -)</source>
      <translation>LOS = 衛星への視線方向。+ は衛星に近づく向き、- は遠ざかる向き（沈下は - になります）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/series_plot.py" />
      <source>vertical: + up,  - down (subsidence).  east-west: + east,  - west</source>
      <translation>上下: + 隆起、- 沈下。  東西: + 東向き、- 西向き</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/series_plot.py" />
      <source>reference date</source>
      <translation>参照日</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/series_plot.py" />
      <source>displacement ({})</source>
      <translation>変位（{}）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/series_plot.py" />
      <source>LOS displacement ({})</source>
      <translation>視線方向の変位 ({})</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/styles.py" />
      <source>0.5 – 0.7 (below threshold)</source>
      <translation>0.5 – 0.7（しきい値未満）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/styles.py" />
      <source>mm/yr</source>
      <translation>mm/年</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/styles.py" />
      <source>mm</source>
      <translation>mm</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/styles.py" />
      <source>Unsupported raster data type in {name}</source>
      <translation>{name} のラスタのデータ型には対応していません</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>not enough data</source>
      <translation>データ不足</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>SBAS: statistics of a drawn area</source>
      <translation>SBAS: 描いた範囲の統計</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <location filename="../../sbas_plugin/plugin.py" />
      <source>SBAS time series</source>
      <translation>SBAS 時系列</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>A work folder, MintPy's folder, or a folder of per-date GeoTIFFs</source>
      <translation>作業フォルダ、MintPy のフォルダ、または日付ごとの GeoTIFF のフォルダ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <location filename="../../sbas_plugin/processing/pipeline.py" />
      <source>Work folder</source>
      <translation>作業フォルダ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Reference date</source>
      <translation>参照日</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>Add the result layers to the map</source>
      <translation>結果のレイヤを地図に追加</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>Velocity (mm/yr), coherence, per-date maps for the Temporal Controller, points</source>
      <translation>速度 (mm/年)、コヒーレンス、テンポラルコントローラ用の日付ごとの変位図、点</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>Pick pixels on the map (Ctrl+click adds)</source>
      <translation>地図上で画素を選択（Ctrl+クリックで追加）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>A click near a feature of a point layer plots the pixel under it</source>
      <translation>ポイントレイヤの地物の近くをクリックすると、その地物の下のピクセルを表示します</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Area</source>
      <translation>対象範囲</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>Click the corners of an area; a right-click or double-click closes it. Adds its mean ± std.</source>
      <translation>範囲の頂点をクリックし、右クリックまたはダブルクリックで閉じます。その平均 ± 標準偏差を追加します。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>Reference: click</source>
      <translation>基準点: クリック</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>The clicked pixel's series is subtracted from every series</source>
      <translation>クリックしたピクセルの時系列を各時系列から差し引きます</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>Reset reference</source>
      <translation>基準点を戻す</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>Back to MintPy's reference point</source>
      <translation>MintPy の基準点に戻します</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>Seasonal</source>
      <translation>季節変動</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>Fit a line plus an annual sinusoid and report its amplitude</source>
      <translation>直線と年周期の正弦波で近似し、その振幅を示します</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>Choose a work folder, then click a pixel on the map.</source>
      <translation>作業フォルダを選択し、地図上の画素をクリックしてください。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>Export CSV…</source>
      <translation>CSV に出力…</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>Export PNG…</source>
      <translation>PNG に出力…</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>Closed while a step replaces its files; it opens again when the step ends.</source>
      <translation>ステップがファイルを置き換えている間は閉じています。ステップが終わると再び開きます。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>Reference: the decomposition's reference pixel</source>
      <translation>基準: 分解の基準画素</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>Reference: MintPy's reference point</source>
      <translation>基準点: MintPy の基準点</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>Export the shown series</source>
      <translation>表示中の時系列を出力</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>CSV (*.csv)</source>
      <translation>CSV (*.csv)</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>Export the graph</source>
      <translation>グラフを出力</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>PNG image (*.png)</source>
      <translation>PNG 画像 (*.png)</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>Choose a work folder with a time series first.</source>
      <translation>先に時系列のある作業フォルダを選択してください。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>That point is outside the time series' area.</source>
      <translation>その点は時系列の範囲外です。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>No pixel centre is inside that area: draw it larger.</source>
      <translation>その範囲の中にピクセル中心がありません。もっと大きく描いてください。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>No solution at that pixel: choose another reference.</source>
      <translation>そのピクセルには解がありません。別の基準点を選んでください。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>Reference: pixel row {}, column {} (x {:.1f}, y {:.1f})</source>
      <translation>基準点: ピクセル 行 {}、列 {} (x {:.1f}, y {:.1f})</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>row {}, column {} (x {:.1f}, y {:.1f})</source>
      <translation>行 {}、列 {} (x {:.1f}, y {:.1f})</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>No solution at this pixel (MintPy's temporal coherence 0).</source>
      <translation>この画素には解がありません（MintPy の時間的コヒーレンスが 0）。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>low coherence: values unreliable</source>
      <translation>低コヒーレンス: 値の信頼性が低い</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>{} dates, {} x {} pixels, {}. Click a pixel on the map.</source>
      <translation>{} 日付、{} x {} 画素、{}。地図上の画素をクリックしてください。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>Result layers of {} added.</source>
      <translation>{} の結果レイヤを追加しました。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>The area's statistics were canceled.</source>
      <translation>範囲の統計の計算は取り消されました。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>mean ± std of {} pixels; {} to {} of them have a value on a date</source>
      <translation>{} ピクセルの平均 ± 標準偏差。各日付で値があるのはそのうち {} ～ {} ピクセル</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>annual {:.1f} {}</source>
      <translation>年周期 {:.1f} {}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>{} is not a work folder with GeoTiffs/ (as sbas run makes it).</source>
      <translation>{} は GeoTiffs/ を含む作業フォルダ（sbas run が作成するもの）ではありません。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>{} vertical</source>
      <translation>{} 上下</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>{} east-west</source>
      <translation>{} 東西</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>Computing the area's statistics… {:.0f} %</source>
      <translation>範囲の統計を計算中… {:.0f} %</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>temporal coherence {:.2f}</source>
      <translation>時間コヒーレンス {:.2f}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>spatial coherence {:.2f}</source>
      <translation>空間コヒーレンス {:.2f}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>{} interferograms</source>
      <translation>干渉ペア {} 個</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>MintPy velocity {:+.1f}{} {}/yr</source>
      <translation>MintPy の速度 {:+.1f}{} {}/年</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>mean ± std of {} pixels, each with a value on every date</source>
      <translation>{} ピクセルの平均 ± 標準偏差 (全ピクセルが全日付で値あり)</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>No time series here: {}</source>
      <translation>ここには時系列がありません: {}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>The area's statistics failed: {}</source>
      <translation>範囲の統計を計算できませんでした: {}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/timeseries_dock.py" />
      <source>area ({} pixels)</source>
      <translation>範囲 ({} ピクセル)</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <source>Every step reads and writes this folder; a rerun continues what is there.</source>
      <translation>すべてのステップはこのフォルダを読み書きします。再実行するとフォルダ内の続きから処理します。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <source>Cancel</source>
      <translation>キャンセル</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <source>Another step is running: wait for it or cancel it.</source>
      <translation>別のステップが実行中です。終了を待つかキャンセルしてください。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <source>Wait: the running step is replacing the result files.</source>
      <translation>お待ちください: 実行中のステップが結果ファイルを置き換えています。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <source>Choose a work folder first.</source>
      <translation>先に作業フォルダを選んでください。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <source>Choose or draw an area first.</source>
      <translation>先に範囲を選ぶか描画してください。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <source>Give the HyP3 project name first.</source>
      <translation>先に HyP3 のプロジェクト名を入力してください。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <source>SBAS scenes</source>
      <translation>SBAS シーン</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <source>Submit HyP3 jobs</source>
      <translation>HyP3 ジョブの投入</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <source>The time series is ready: load the result layers on the Results page.</source>
      <translation>時系列ができました。「結果」ページで結果レイヤを読み込んでください。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <location filename="../../sbas_plugin/processing/pipeline.py" />
      <location filename="../../sbas_plugin/processing/points.py" />
      <source>Pixel-centre points</source>
      <translation>画素中心点</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <source>1. Area and scenes</source>
      <translation>1. 範囲とシーン</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <source>2. Network</source>
      <translation>2. ネットワーク</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <source>3. HyP3 jobs</source>
      <translation>3. HyP3 ジョブ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <source>4. Time series (MintPy)</source>
      <translation>4. 時系列解析(MintPy)</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <source>5. Results</source>
      <translation>5. 結果</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <source>6. Vertical and east-west</source>
      <translation>6. 上下・東西方向</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <source>Python packages</source>
      <translation>Python パッケージ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <source>SBAS area</source>
      <translation>SBAS 範囲</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Update with new acquisitions</source>
      <translation>新しい観測で更新</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <source>Choose a raster and an area first.</source>
      <translation>先にラスタと範囲を選んでください。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <source>Choose a points layer first.</source>
      <translation>先にポイントレイヤを選んでください。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <source>Type the point ids first.</source>
      <translation>先にポイント ID を入力してください。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <source>Choose the other track's work folder first.</source>
      <translation>もう一方の軌道の作業フォルダを先に選んでください。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <source>{} scenes found.</source>
      <translation>{} シーンが見つかりました。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <source>Submit {pairs} pairs as project {name} ({looks} looks)? That costs {credits} credits; pairs already on HyP3 under this name are not submitted or paid again. HyP3 cannot cancel jobs.</source>
      <translation>{pairs} ペアをプロジェクト {name}(ルック数 {looks})として投入しますか? {credits} クレジットかかります。この名前で HyP3 に既にあるペアは再投入も再課金もされません。HyP3 のジョブは取り消せません。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <source>The time series is ready; {} layers point to dates the new run no longer has: load the result layers again.</source>
      <translation>時系列ができました。{} 個のレイヤーが新しい処理結果にない日付を参照しています。結果レイヤーを読み込み直してください。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <source>{} pixel-centre points added.</source>
      <translation>画素中心点を {} 点追加しました。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <source>Vertical and east-west motion written to {}.</source>
      <translation>上下・東西方向の変動を {} に書き出しました。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <source>Cannot write {}: {}</source>
      <translation>{} を書き込めません: {}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <source>WARNING: {}</source>
      <translation>警告: {}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <source>{dates} new dates and {pairs} new pairs. Submit {to_submit} pairs as project {name} for {cost} credits, wait for them, download them and rerun the time series? Pairs already on HyP3 are not paid again. HyP3 cannot cancel jobs.</source>
      <translation>新しい観測日が {dates} 件、新しいペアが {pairs} 件です。{to_submit} ペアをプロジェクト {name} として {cost} クレジットで投入し、完了を待ってダウンロードし、時系列を再計算しますか? HyP3 にすでにあるペアには再び支払いません。HyP3 のジョブは取り消せません。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <source>No results in {} yet: run the time series first.</source>
      <translation>{} にはまだ結果がありません。先に時系列解析を実行してください。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <source>Quality report written: {}</source>
      <translation>品質レポートを書き出しました: {}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_dock.py" />
      <source>Build the pairs first: {}</source>
      <translation>先にペアを作成してください: {}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Needs the module {} in MintPy's Python {}: install MintPy from conda-forge (see the README).</source>
      <translation>モジュール {} が MintPy 用の Python（{}）に必要です。conda-forge から MintPy をインストールしてください（README を参照）。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>any</source>
      <translation>指定なし</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Data in every product on {} % of the area, in some products only on {} %, in none on {} % (water counts as none).</source>
      <translation>範囲のうち {} % はすべてのプロダクトにデータがあり、{} % は一部のプロダクトだけ、{} % はどのプロダクトにもありません（水域はデータなしとして数えます）。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Draw area</source>
      <translation>範囲を描画</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>First date</source>
      <translation>開始日</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Last date</source>
      <translation>終了日</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Orbit direction</source>
      <translation>軌道方向</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Path</source>
      <translation>パス</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Frame</source>
      <translation>フレーム</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Search</source>
      <translation>検索</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Longest temporal baseline (days)</source>
      <translation>最大時間基線長（日）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Largest perpendicular baseline (m)</source>
      <translation>最大垂直基線長 (m)</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>MM-DD,MM-DD (empty: all year)</source>
      <translation>MM-DD,MM-DD(空欄: 通年)</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Season</source>
      <translation>季節</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Bridge pairs up to (years)</source>
      <translation>ブリッジペアの最大間隔(年)</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Build pairs</source>
      <translation>ペアを作成</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Up to 20 letters, digits, _ or -. Publicly visible on HyP3.</source>
      <translation>英数字・_・- で20文字まで。HyP3 上で公開されます。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Project name</source>
      <translation>プロジェクト名</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Looks</source>
      <translation>ルック数</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Submit…</source>
      <translation>投入…</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Refresh status</source>
      <translation>状態を更新</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Refresh every minute</source>
      <translation>1分ごとに更新</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Stops by itself once no job is pending or running.</source>
      <translation>待機中・実行中のジョブがなくなると自動で止まります。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Download products</source>
      <translation>プロダクトをダウンロード</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Update with new acquisitions…</source>
      <translation>新しい観測で更新…</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Search again up to today, order only the new dates' pairs (the cost is asked first), wait, download and rerun the time series.</source>
      <translation>今日までを再検索し、新しい観測日のペアだけを注文し（先にコストを確認します）、完了を待ってダウンロードし、時系列を再計算します。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Products folder</source>
      <translation>プロダクトのフォルダ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>every core</source>
      <translation>全コア</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Workers</source>
      <translation>ワーカー数</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Automatic: the most coherent land pixel</source>
      <translation>自動: 最もコヒーレンスの高い陸域ピクセル</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Reference point</source>
      <translation>参照点</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Pick on map</source>
      <translation>地図上で指定</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Automatic</source>
      <translation>自動</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <location filename="../../sbas_plugin/processing/base.py" />
      <source>Tropospheric correction</source>
      <translation>対流圏補正</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <location filename="../../sbas_plugin/processing/base.py" />
      <source>Remove a ramp</source>
      <translation>ランプ（傾斜）の除去</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Filter the remaining atmosphere</source>
      <translation>残った大気遅延をフィルタする</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>High-pass in time, low-pass in space, as LiCSBAS does: removes most of each date's turbulent troposphere and keeps steps and seasonal motion (measured in docs/accuracy.md).</source>
      <translation>LiCSBAS と同じく時間方向ハイパス・空間方向ローパスで、各日付の乱流による対流圏遅延の大部分を除き、急な変位（ステップ）や季節変動は残します（docs/accuracy.md で測定）。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>MintPy's workers run on</source>
      <translation>MintPy のワーカーの実行場所</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>A dask-jobqueue YAML file (jobqueue: slurm: or pbs: with cores, memory, queue, walltime); empty: dask-jobqueue's defaults. Each worker is one batch job.</source>
      <translation>dask-jobqueue の YAML ファイル（jobqueue: の下の slurm: または pbs: に cores、memory、queue、walltime などを書きます）。空欄なら dask-jobqueue の既定値。ワーカー 1 つが 1 つのバッチジョブになります。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Cluster configuration</source>
      <translation>クラスター設定</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Run / resume</source>
      <translation>実行 / 再開</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Load result layers</source>
      <translation>結果レイヤを読み込む</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Open in the time-series dock</source>
      <translation>時系列ドックで開く</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Make points</source>
      <translation>点を作成</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Raster</source>
      <translation>ラスタ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Values and graphs</source>
      <translation>値とグラフ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Points</source>
      <translation>点</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>CSV files (*.csv)</source>
      <translation>CSV ファイル (*.csv)</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Values CSV</source>
      <translation>値の CSV</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Extract values CSV</source>
      <translation>値の CSV を抽出</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>point ids, e.g. 12, 15, 40</source>
      <translation>ポイント ID(例: 12, 15, 40)</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Graph points</source>
      <translation>グラフにするポイント</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Make graphs (graphs.zip)</source>
      <translation>グラフを作成(graphs.zip)</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Quality report</source>
      <translation>品質レポート</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Land cover (optional)</source>
      <translation>土地被覆（任意）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Class field</source>
      <translation>分類のフィールド</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Benchmarks CSV (optional)</source>
      <translation>水準点・GNSS の CSV（任意）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <location filename="../../sbas_plugin/processing/quality.py" />
      <source>Measurements</source>
      <translation>測量の種類</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>empty: remove the mean difference per date</source>
      <translation>空欄: 日付ごとに平均差を除去</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Reference benchmark</source>
      <translation>基準とする点</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Make the quality report</source>
      <translation>品質レポートを作成</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Other track's work folder</source>
      <translation>もう一方の軌道の作業フォルダ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Decomposition folder</source>
      <translation>分解結果のフォルダ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Decompose</source>
      <translation>分解する</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Click the corners on the map; right-click or double-click ends, Esc starts over. Saved as aoi.gpkg (EPSG:3857) in the work folder.</source>
      <translation>地図上で頂点をクリックします。右クリックかダブルクリックで終了、Esc でやり直し。作業フォルダに aoi.gpkg(EPSG:3857)として保存します。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Automatic (MintPy's choice)</source>
      <translation>自動(MintPy が選択)</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>This date:</source>
      <translation>次の日付:</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Clips the products to the area, runs MintPy and exports GeoTIFFs, points and Geotiff_value.csv. Run it again to resume: finished steps are skipped.</source>
      <translation>プロダクトを範囲で切り出し、MintPy を実行して GeoTIFF・ポイント・Geotiff_value.csv を出力します。再実行すると再開し、完了済みのステップは飛ばします。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Benchmarks: id,x,y,date,height (GNSS: also east,north,up), in the time series' CRS.</source>
      <translation>水準点・GNSS の CSV: id,x,y,date,height（GNSS は east,north,up も）。座標は時系列の座標系で。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>With an ascending and a descending work folder over the same ground, solve for vertical and east-west motion. The work folder above is one track; choose the other one here.</source>
      <translation>同じ地域の北行（アセンディング）と南行（ディセンディング）の作業フォルダから、上下方向と東西方向の変動を求めます。上の作業フォルダを一方の軌道とし、もう一方をここで選びます。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>Dates with data on less of the area: {}</source>
      <translation>データのある範囲が狭い日付: {}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/gui/workflow_pages.py" />
      <source>{} pairs, {} HyP3 credits.</source>
      <translation>{} ペア、HyP3 クレジット {}。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/base.py" />
      <source>The Earthdata token comes from an authentication configuration (Settings &gt; Options &gt; Authentication; method Basic, any user name, the token as password): the one chosen here, else the one chosen in Settings &gt; Options &gt; SBAS InSAR, else the EARTHDATA_TOKEN environment variable. It is never stored with the algorithm's history or models, and never logged.</source>
      <translation>Earthdata トークンは認証設定（設定 &gt; オプション &gt; 認証。方式は Basic、ユーザー名は任意、パスワードにトークン）から取得します。ここで選んだ設定、なければ 設定 &gt; オプション &gt; SBAS InSAR で選んだ設定、それもなければ環境変数 EARTHDATA_TOKEN を使います。トークンがアルゴリズムの履歴やモデルに保存されることはなく、ログにも出力されません。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/base.py" />
      <source>Time series</source>
      <translation>時系列</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/base.py" />
      <source>Results</source>
      <translation>結果</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/base.py" />
      <source>Search and HyP3 jobs</source>
      <translation>検索と HyP3 ジョブ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/base.py" />
      <source>Parallel workers for MintPy (0: every core)</source>
      <translation>MintPy の並列ワーカー数（0: 全コア）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/base.py" />
      <source>None</source>
      <translation>なし</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/base.py" />
      <source>ERA5 (PyAPS; needs a CDS key)</source>
      <translation>ERA5（PyAPS。CDS キーが必要）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/base.py" />
      <source>Phase-elevation ratio (from the stack itself, offline)</source>
      <translation>位相と標高の比（スタック自体から推定、オフライン）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/base.py" />
      <source>This computer</source>
      <translation>このコンピュータ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/base.py" />
      <source>SLURM batch jobs</source>
      <translation>SLURM のバッチジョブ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/base.py" />
      <source>PBS batch jobs</source>
      <translation>PBS のバッチジョブ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/base.py" />
      <source>Where MintPy's workers run</source>
      <translation>MintPy のワーカーの実行場所</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/base.py" />
      <source>Work folder (keeps hyp3_jobs.json, the local job record)</source>
      <translation>作業フォルダ（ローカルのジョブ記録 hyp3_jobs.json を保存）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/base.py" />
      <source>The layer has no coordinate reference system: set one first.</source>
      <translation>レイヤに座標参照系がありません。先に設定してください。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/base.py" />
      <location filename="../../sbas_plugin/processing/points.py" />
      <source>The area-of-interest layer has no polygon to use.</source>
      <translation>対象範囲のレイヤに使えるポリゴンがありません。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/base.py" />
      <source>The points layer has no points.</source>
      <translation>点レイヤに点がありません。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/base.py" />
      <source>The point ids repeat; choose a field with one id per point.</source>
      <translation>点の ID が重複しています。点ごとに一意な ID を持つフィールドを選択してください。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/base.py" />
      <source>Reference date: first, auto (MintPy's choice) or YYYYMMDD</source>
      <translation>参照日: first（最初の日付）、auto（MintPy が選択）または YYYYMMDD</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/base.py" />
      <source>No</source>
      <translation>しない</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/base.py" />
      <source>Linear</source>
      <translation>1 次（線形）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/base.py" />
      <source>Quadratic</source>
      <translation>2 次</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/base.py" />
      <source>Filter the remaining atmosphere (high-pass in time, low-pass in space)</source>
      <translation>残った大気遅延をフィルタする（時間方向ハイパス・空間方向ローパス）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/base.py" />
      <source>MintPy's pictures in mintpy/pic (minutes on a large area)</source>
      <translation>MintPy の図（mintpy/pic。広い範囲では数分かかります）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/base.py" />
      <source>dask-jobqueue configuration of the cluster (YAML; empty: dask-jobqueue's defaults)</source>
      <translation>クラスターの dask-jobqueue 設定（YAML。空欄: dask-jobqueue の既定値）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/base.py" />
      <source>Project name of the jobs (up to 20 letters, digits, _ or -; publicly visible)</source>
      <translation>ジョブのプロジェクト名（英数字・_・- で 20 文字まで。公開されます）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/base.py" />
      <source>Earthdata token (authentication configuration; empty: the plugin's options, or $EARTHDATA_TOKEN)</source>
      <translation>Earthdata トークン（認証設定。空欄: プラグインのオプション、または $EARTHDATA_TOKEN）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/base.py" />
      <source>HyP3 API URL (empty: the plugin's options, by default ASF's HyP3 Basic)</source>
      <translation>HyP3 API URL（空欄: プラグインのオプション。既定は ASF の HyP3 Basic）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/base.py" />
      <source>Canceled: the step stopped; a rerun continues from what is complete.</source>
      <translation>キャンセルしました: 処理は中断されました。再実行すると完了済みの部分から続行します。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/base.py" />
      <source>The authentication configuration {} holds no token: use the Basic method with the token as password.</source>
      <translation>認証設定 {} にトークンがありません。Basic 方式で、パスワードにトークンを設定してください。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/base.py" />
      <source>note: {}</source>
      <translation>注: {}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/base.py" />
      <source>Cannot read the authentication configuration {}: check it in Settings &gt; Options &gt; Authentication.</source>
      <translation>認証設定 {} を読み込めません。設定 &gt; オプション &gt; 認証 で確認してください。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/base.py" />
      <source>Work folder {}: the folder does not exist.</source>
      <translation>作業フォルダ {}: フォルダが存在しません。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/base.py" />
      <source>Point {} has no whole-number id in field {} ({!r}).</source>
      <translation>点 {} のフィールド {} に整数の ID がありません（{!r}）。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>HyP3 looks</source>
      <translation>HyP3 のルック数</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Search Sentinel-1 scenes</source>
      <translation>Sentinel-1 シーンの検索</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Searches ASF for Sentinel-1 IW SLC scenes over the area between two dates (YYYY-MM-DD, the whole end day counts), as ASF Vertex lists them, optionally only one orbit direction, path or frame. Writes scenes.gpkg and scenes.geojson (footprints with scene name, date, path, frame, direction, polarization, absolute orbit), scenes.json and aoi.geojson into the work folder, for 'SBAS pairs'. Incomplete answers from ASF are an error, never a short list. asf_search's error reports to ASF stay off unless you allow them.</source>
      <translation>ASF で、2 つの日付（YYYY-MM-DD。終了日は当日全体を含む）の間に対象範囲を撮像した Sentinel-1 IW SLC シーンを ASF Vertex と同じように検索します。軌道方向、パス、フレームで絞り込むこともできます。作業フォルダに scenes.gpkg と scenes.geojson（シーン名、日付、パス、フレーム、軌道方向、偏波、絶対軌道番号を持つフットプリント）、scenes.json、aoi.geojson を書き出し、「SBAS 干渉ペア」で使います。ASF からの応答が不完全な場合は、少ない件数の一覧を返さずエラーにします。asf_search から ASF へのエラー報告は、許可しない限り送信されません。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>SBAS pairs</source>
      <translation>SBAS 干渉ペア</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Builds the SBAS pair network of the searched scenes by Vertex's rule: pairs at most the given days and perpendicular baseline (m) apart, optionally only in a season (MM-DD,MM-DD, may cross new year) and with bridges about 1..N years apart. Keeps the largest connected network and reports disconnected dates and scenes without state vectors. Writes pairs.csv (reference,secondary) and network.png into the work folder, and reports the HyP3 cost in credits.</source>
      <translation>検索したシーンから、Vertex と同じ規則で SBAS の干渉ペアのネットワークを作成します: 指定した日数と垂直基線長 (m) 以内のペアで、季節（MM-DD,MM-DD。年をまたいでも可）を限定したり、約 1〜N 年離れたブリッジペアを加えたりできます。連結した最大のネットワークを残し、切り離された日付と軌道情報（state vector）のないシーンを報告します。作業フォルダに pairs.csv（reference,secondary）と network.png を書き出し、HyP3 のコスト（クレジット）を報告します。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Submit HyP3 InSAR jobs</source>
      <translation>HyP3 InSAR ジョブの投入</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>HyP3 job status</source>
      <translation>HyP3 ジョブの状況</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Download HyP3 products</source>
      <translation>HyP3 プロダクトのダウンロード</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Wait until no job is pending or running</source>
      <translation>待機中・実行中のジョブがなくなるまで待つ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>First poll interval (s; grows to 10 min)</source>
      <translation>最初の確認間隔（秒。最大 10 分まで延びる）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Work folder of 'Search Sentinel-1 scenes'</source>
      <translation>「Sentinel-1 シーンの検索」の作業フォルダ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Submits the pairs of pairs.csv as HyP3 INSAR_GAMMA jobs under the project name, each pair once: pairs HyP3 already holds under that name are never submitted (and paid) again, except those whose product expired before it was downloaded into the work folder's products/. DEM and look vectors are always ordered (MintPy needs them). The cost in credits and the credits remaining are reported first; jobs are submitted only when 'I accept the credit cost' is ticked, and never when the credits do not cover the cost. HyP3 cannot cancel jobs. The job record is hyp3_jobs.json in the work folder. </source>
      <translation>pairs.csv のペアを、プロジェクト名のもとで HyP3 INSAR_GAMMA ジョブとして 1 ペア 1 回ずつ投入します: その名前で HyP3 に既にあるペアが再投入（再課金）されることはありません。ただし、作業フォルダの products/ にダウンロードする前にプロダクトの有効期限が切れたペアは再注文します。DEM と視線ベクトル（look vectors）は常に注文します（MintPy に必要）。最初にクレジットでのコストと残りクレジットを報告し、「クレジットのコストを承認する」にチェックがあるときだけ投入します。残りクレジットがコストに満たない場合は投入しません。HyP3 ではジョブをキャンセルできません。ジョブの記録は作業フォルダの hyp3_jobs.json です。 </translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Nothing submitted: tick 'I accept the credit cost' to submit these jobs.</source>
      <translation>投入していません: これらのジョブを投入するには「クレジットのコストを承認する」にチェックを入れてください。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Reports the project's HyP3 jobs: how many are pending, running, succeeded and failed, each failed pair with its log, and when each product expires (days left). Optionally waits until no job is pending or running, and resubmits each failed pair once with the same options (only with 'I accept the credit cost' ticked). </source>
      <translation>プロジェクトの HyP3 ジョブについて、待機中・実行中・成功・失敗の件数、失敗したペアごとのログ、各プロダクトの有効期限（残り日数）を報告します。待機中・実行中のジョブがなくなるまで待つことや、失敗したペアを同じオプションで 1 回ずつ再投入すること（「クレジットのコストを承認する」にチェックがある場合のみ）もできます。 </translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Downloads the product zips of every succeeded job of the project into the work folder's products/ folder, several at a time: interrupted files resume, every file's size and every zip member's checksum are verified before it takes its name, and files already there are skipped. Pairs whose product expired before it was downloaded are reported: 'Submit HyP3 InSAR jobs' orders them again. Optionally waits for pending and running jobs, downloading as they finish. The products folder is the input of 'Run the whole time series'. </source>
      <translation>プロジェクトで成功したすべてのジョブのプロダクト zip を、作業フォルダの products/ に複数同時にダウンロードします: 中断したファイルは続きから再開し、各ファイルのサイズと zip 内の各ファイルのチェックサムを検証してから正式な名前を付け、既にあるファイルは飛ばします。ダウンロード前にプロダクトの有効期限が切れたペアは報告します: 「HyP3 InSAR ジョブの投入」で再注文できます。待機中・実行中のジョブを待ち、終わったものから順にダウンロードすることもできます。products フォルダは「時系列解析の一括実行」の入力になります。 </translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Extends a monitored work folder with the acquisitions since its last date, instead of starting a new one: searches ASF again with the recorded search up to today, adds to pairs.csv only the pairs the recorded network rules give for the new dates, reports the new dates, pairs and credits, and submits only those (only with 'I accept the credit cost' ticked; pairs already on HyP3 are never ordered again). Then it waits for the jobs, downloads the new products into products/ and reruns the time series with the options it was run with. Each step resumes: run it again after a stop. 'Only count new acquisitions' searches once and changes nothing. </source>
      <translation>監視中の作業フォルダを、新しく始め直さずに最後の観測日以降の観測で延長します: 記録された検索条件で今日まで ASF を再検索し、記録されたネットワークの規則が新しい観測日に与えるペアだけを pairs.csv に追加し、新しい観測日・ペア・クレジットを報告して、それらだけを投入します（「クレジットのコストを承認する」にチェックしたときのみ。HyP3 にすでにあるペアは二度と注文しません）。その後ジョブの完了を待ち、新しいプロダクトを products/ にダウンロードし、前回と同じオプションで時系列を再計算します。各ステップは途中から再開できます: 中断したらもう一度実行してください。「新しい観測の数だけ数える」は 1 回検索するだけで何も変更しません。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <location filename="../../sbas_plugin/processing/pipeline.py" />
      <source>Area of interest (polygons, any CRS)</source>
      <translation>対象範囲（ポリゴン、任意の CRS）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>First acquisition date (YYYY-MM-DD)</source>
      <translation>最初の観測日 (YYYY-MM-DD)</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Last acquisition date (YYYY-MM-DD)</source>
      <translation>最後の観測日 (YYYY-MM-DD)</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Any</source>
      <translation>指定なし</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Ascending</source>
      <translation>アセンディング（北行）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Descending</source>
      <translation>ディセンディング（南行）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Path (relative orbit)</source>
      <translation>パス（相対軌道番号）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Frame, as Vertex shows it</source>
      <translation>フレーム（Vertex の表示どおり）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Let asf_search send failed searches (with the area) to ASF</source>
      <translation>asf_search が失敗した検索（対象範囲を含む）を ASF に送信することを許可</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Scene footprints</source>
      <translation>シーンのフットプリント</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Number of scenes</source>
      <translation>シーン数</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Reference scene (empty: the most recent searched scene)</source>
      <translation>基準シーン（空欄: 検索した最新のシーン）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Season, MM-DD,MM-DD (empty: all year)</source>
      <translation>季節 MM-DD,MM-DD（空欄: 通年）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Bridge pairs up to this many years apart</source>
      <translation>この年数以内のブリッジペアを加える</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Let asf_search send failed searches to ASF</source>
      <translation>asf_search が失敗した検索を ASF に送信することを許可</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>pairs.csv</source>
      <translation>pairs.csv</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Network graph (PNG)</source>
      <translation>ネットワーク図 (PNG)</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>HyP3 credits</source>
      <translation>HyP3 クレジット</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Pairs CSV (reference,secondary; empty: pairs.csv of the work folder)</source>
      <translation>ペア CSV（reference,secondary。空欄: 作業フォルダの pairs.csv）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Mask water before phase unwrapping</source>
      <translation>位相アンラッピングの前に水域をマスク</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Include line-of-sight and vertical displacement maps</source>
      <translation>視線方向 (LOS) と鉛直方向の変位図を含める</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Include the wrapped phase</source>
      <translation>ラップされた位相を含める</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Include the incidence angle maps</source>
      <translation>入射角の図を含める</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>I accept the credit cost</source>
      <translation>クレジットのコストを承認する</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Cost (credits)</source>
      <translation>コスト（クレジット）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Jobs submitted</source>
      <translation>投入したジョブ数</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Job record (hyp3_jobs.json)</source>
      <translation>ジョブの記録 (hyp3_jobs.json)</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Resubmit each failed pair once</source>
      <translation>失敗したペアを 1 回ずつ再投入</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>I accept the credit cost (of resubmitting)</source>
      <translation>クレジットのコストを承認する（再投入分）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Pending jobs</source>
      <translation>待機中のジョブ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Running jobs</source>
      <translation>実行中のジョブ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Succeeded jobs</source>
      <translation>成功したジョブ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Failed jobs</source>
      <translation>失敗したジョブ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>expired</source>
      <translation>期限切れ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Nothing resubmitted: tick 'I accept the credit cost' to resubmit.</source>
      <translation>再投入していません: 再投入するには「クレジットのコストを承認する」にチェックを入れてください。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Parallel downloads</source>
      <translation>並列ダウンロード数</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Products downloaded</source>
      <translation>ダウンロードしたプロダクト数</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Only count new acquisitions</source>
      <translation>新しい観測の数だけ数える</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Wait for the new jobs</source>
      <translation>新しいジョブの完了を待つ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Rerun the time series</source>
      <translation>時系列を再計算する</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>New dates</source>
      <translation>新しい観測日</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>New pairs</source>
      <translation>新しいペア</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Pairs not on HyP3</source>
      <translation>HyP3 にないペア</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Jobs still pending or running</source>
      <translation>待機中または実行中のジョブ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Pairs CSV</source>
      <translation>ペアの CSV</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>{looks}: {pixel} m pixels, {credits} credits a pair</source>
      <translation>{looks}: {pixel} m 画素、1 ペア {credits} クレジット</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>{} scenes written to {}</source>
      <translation>{} シーンを {} に書き出しました</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>{} scenes, {} pairs, {} credits; reference {}</source>
      <translation>{} シーン、{} ペア、{} クレジット。基準 {}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>{} jobs: {}</source>
      <translation>{} ジョブ: {}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>downloaded: {}, already there: {}, into {}</source>
      <translation>ダウンロード: {}、既存: {}、保存先 {}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>Not submitted yet: the cost above must be accepted first ('I accept the credit cost').</source>
      <translation>まだ投入していません: 先に上記のコストを承認してください（「クレジットのコストを承認する」）。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>left out, no state vectors: {}</source>
      <translation>除外（軌道情報なし）: {}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>disconnected from the network, left out: {}</source>
      <translation>ネットワークから切り離されたため除外: {}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>nothing to submit: all {} pairs are already on HyP3 under {}</source>
      <translation>投入するものはありません: {} ペアすべてが既に HyP3 上にあります（{}）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>{:.1f} days left</source>
      <translation>残り {:.1f} 日</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>expires {} UTC ({}) {}</source>
      <translation>有効期限 {} UTC（{}）{}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>resubmitted {} failed pairs</source>
      <translation>失敗した {} ペアを再投入しました</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>expired before it was downloaded: {}</source>
      <translation>ダウンロード前に有効期限が切れました: {}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>FAILED {}: {}</source>
      <translation>失敗 {}: {}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>{} products not downloaded: run again to resume them.</source>
      <translation>{} 件のプロダクトをダウンロードできませんでした: 再実行すると続きから再開します。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>{} expired products: their pairs will be ordered again by 'Submit HyP3 InSAR jobs' (it reports the cost first); then download again.</source>
      <translation>有効期限が切れたプロダクトが {} 件あります: そのペアは「HyP3 InSAR ジョブの投入」で再注文されます（先にコストを報告します）。その後、もう一度ダウンロードしてください。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>{count} new acquisitions since {since}</source>
      <translation>{since} 以降の新しい観測: {count} 件</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>{}: run the update again to resume.</source>
      <translation>{}: 更新をもう一度実行すると再開します。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>{} jobs still pending or running: run the update again when they are done.</source>
      <translation>{} 件のジョブが待機中または実行中です: 完了したら更新をもう一度実行してください。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>submitted {} jobs under {}</source>
      <translation>{} ジョブを投入しました（{}）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>FAILED {} {} log: {}</source>
      <translation>失敗 {} {} ログ: {}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/jobs.py" />
      <source>failed twice, left out of the network: {} {}</source>
      <translation>2 回失敗したためネットワークから除外: {} {}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/pipeline.py" />
      <source>Run the whole time series (products to Geotiff_value.csv)</source>
      <translation>時系列解析の一括実行（プロダクトから Geotiff_value.csv まで）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/pipeline.py" />
      <source>HyP3 INSAR_GAMMA products (zips as downloaded, or unpacked folders; never changed) are clipped to the area on the products' pixel lattice, MintPy computes the SBAS time series, and the results are exported to the work folder: GeoTiffs/displacement_maps/unwrapped/&lt;unit&gt;/ with one GeoTIFF per date (line-of-sight displacement since the first date, metres or centimetres), GeoTiffs/velocity.tif (m/yr) and coherence GeoTIFFs; points.csv and points.gpkg, the centre of every pixel inside the area (fid, x, y in the products' UTM CRS); and Geotiff_value.csv, the displacement of each point per date in metres (header Date,&lt;fid&gt;_value,...). The area may be in any CRS. A rerun skips every step already done; a canceled run is finished by the next one. The reference pixel is the most coherent land pixel unless you give a reference point. MintPy takes most of the time.</source>
      <translation>HyP3 INSAR_GAMMA プロダクト（ダウンロードしたままの zip または展開したフォルダ。変更はしません）を、プロダクトの画素格子に合わせて対象範囲で切り出し、MintPy で SBAS 時系列を計算し、結果を作業フォルダに出力します: GeoTiffs/displacement_maps/unwrapped/&lt;unit&gt;/ に日付ごとの GeoTIFF（最初の日付からの視線方向 (LOS) の変位、m または cm）、GeoTiffs/velocity.tif (m/年) とコヒーレンスの GeoTIFF。points.csv と points.gpkg（対象範囲内の各画素の中心。fid, x, y はプロダクトの UTM 座標系）。Geotiff_value.csv（各点の日付ごとの変位 (m)。ヘッダーは Date,&lt;fid&gt;_value,...）。対象範囲の CRS は任意です。再実行では完了済みの処理を飛ばし、キャンセルした実行は次の実行で完了します。参照点を指定しない場合、参照画素は最もコヒーレンスの高い陸域の画素になります。処理時間の大半は MintPy です。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/pipeline.py" />
      <source>Clip HyP3 products to an area</source>
      <translation>HyP3 プロダクトを対象範囲で切り出し</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/pipeline.py" />
      <source>Clips every HyP3 product (zips or unpacked folders; never changed) to the area, all onto one grid: the area's bounds snapped outward to the products' pixel lattice and limited to what every product covers. Products in a minority UTM zone are resampled (nearest) onto the majority's lattice; products with no data inside the area are left out. Writes &lt;output&gt;/&lt;product&gt;/&lt;product&gt;_&lt;layer&gt;.tif and &lt;product&gt;.txt, the input MintPy's HyP3 loader reads. The area may be in any CRS.</source>
      <translation>すべての HyP3 プロダクト（zip または展開したフォルダ。変更はしません）を対象範囲で切り出し、1 つのグリッドにそろえます: 対象範囲の外接矩形をプロダクトの画素格子に合わせて外側に広げ、すべてのプロダクトが覆う範囲に限定します。少数派の UTM ゾーンのプロダクトは多数派の画素格子に（最近傍で）再サンプリングし、対象範囲内にデータのないプロダクトは除外します。&lt;output&gt;/&lt;product&gt;/&lt;product&gt;_&lt;layer&gt;.tif と &lt;product&gt;.txt（MintPy の HyP3 読み込みが読む入力）を書き出します。対象範囲の CRS は任意です。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/pipeline.py" />
      <source>MintPy time series of clipped products</source>
      <translation>切り出したプロダクトの MintPy 時系列解析</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/pipeline.py" />
      <source>Runs MintPy's smallbaselineApp on the output of 'Clip HyP3 products to an area', with the options of the OpenSARLab notebooks. The reference pixel is the land pixel with the highest average coherence among those with phase in every interferogram. The work folder receives MintPy's files (timeseries*.h5 in metres, velocity.h5 in m/yr), its template sbas_mintpy.txt and log sbas_mintpy.log. A rerun with the same inputs resumes after the last finished MintPy step.</source>
      <translation>「HyP3 プロダクトを対象範囲で切り出し」の出力に対して、OpenSARLab のノートブックと同じオプションで MintPy の smallbaselineApp を実行します。参照画素は、すべての干渉ペアで位相を持つ画素のうち、平均コヒーレンスが最も高い陸域の画素です。作業フォルダには MintPy のファイル（timeseries*.h5 は m、velocity.h5 は m/年）、テンプレート sbas_mintpy.txt、ログ sbas_mintpy.log が作られます。同じ入力で再実行すると、最後に完了した MintPy の処理の次から再開します。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/pipeline.py" />
      <source>Export MintPy results to GeoTIFFs</source>
      <translation>MintPy の結果を GeoTIFF に出力</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/pipeline.py" />
      <source>Writes MintPy's time series as one GeoTIFF per date into displacement_maps/unwrapped/&lt;unit&gt;/ (&lt;first&gt;_&lt;date&gt;_timeseries_demErr_&lt;unit&gt;_unwrapped.tif: line-of-sight displacement since the first date, metres or centimetres), plus velocity.tif (m/yr), velocity_std.tif, TemporalCoherence.tif, avgSpatialCoh.tif and maskTempCoh.tif: float32, NaN no-data, on MintPy's grid in UTM. Pixels MintPy found no solution for are NaN; low-coherence pixels keep their values unless you blank them.</source>
      <translation>MintPy の時系列を、日付ごとに 1 つの GeoTIFF として displacement_maps/unwrapped/&lt;unit&gt;/ に書き出します（&lt;first&gt;_&lt;date&gt;_timeseries_demErr_&lt;unit&gt;_unwrapped.tif: 最初の日付からの視線方向 (LOS) の変位、m または cm）。あわせて velocity.tif (m/年)、velocity_std.tif、TemporalCoherence.tif、avgSpatialCoh.tif、maskTempCoh.tif も書き出します: float32、NoData は NaN、MintPy の UTM グリッド上。MintPy が解を得られなかった画素は NaN です。低コヒーレンスの画素は、空白にする指定がない限り値を保持します。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/pipeline.py" />
      <source>Unit of the per-date GeoTIFFs</source>
      <translation>日付ごとの GeoTIFF の単位</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/pipeline.py" />
      <source>Folder of HyP3 products</source>
      <translation>HyP3 プロダクトのフォルダ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/pipeline.py" />
      <source>Flag points below this temporal coherence (low_quality = 1; kept, never dropped)</source>
      <translation>この時間コヒーレンス未満の点に印を付ける（low_quality = 1。点は削除しません）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/pipeline.py" />
      <source>Clipped products folder</source>
      <translation>切り出したプロダクトのフォルダ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/pipeline.py" />
      <source>MintPy work folder</source>
      <translation>MintPy の作業フォルダ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/pipeline.py" />
      <source>Meters</source>
      <translation>メートル</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/pipeline.py" />
      <source>Centimeters</source>
      <translation>センチメートル</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/pipeline.py" />
      <source>Blank pixels under MintPy's temporal-coherence threshold (as OpenSARLab did)</source>
      <translation>MintPy の時間的コヒーレンスのしきい値未満の画素を空白にする（OpenSARLab と同じ）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/pipeline.py" />
      <source>Reference point (empty: the most coherent land pixel)</source>
      <translation>参照点（空欄: 最もコヒーレンスの高い陸域の画素）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/pipeline.py" />
      <source>Geotiff_value.csv</source>
      <translation>Geotiff_value.csv</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/pipeline.py" />
      <source>Velocity (m/yr)</source>
      <translation>速度 (m/年)</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/pipeline.py" />
      <source>GeoTIFF folder</source>
      <translation>GeoTIFF フォルダ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/pipeline.py" />
      <source>MintPy folder</source>
      <translation>MintPy フォルダ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/pipeline.py" />
      <source>MintPy time series (HDF5)</source>
      <translation>MintPy 時系列 (HDF5)</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/pipeline.py" />
      <source>Per-date displacement GeoTIFFs</source>
      <translation>日付ごとの変位 GeoTIFF</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/pipeline.py" />
      <source>{} products clipped to {} x {} pixels</source>
      <translation>{} プロダクトを {} x {} 画素に切り出しました</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/pipeline.py" />
      <source>{} per-date GeoTIFFs written</source>
      <translation>日付ごとの GeoTIFF を {} 個書き出しました</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/pipeline.py" />
      <source>already done, skipped: {}</source>
      <translation>完了済みのため省略: {}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/pipeline.py" />
      <source>dropped {}: {}</source>
      <translation>除外 {}: {}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/points.py" />
      <source>Pixel-centre points inside an area</source>
      <translation>対象範囲内の画素中心点</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/points.py" />
      <source>Makes one point at the centre of every raster pixel whose centre lies inside the area polygons, in the raster's coordinate reference system (for HyP3 and MintPy GeoTIFFs, WGS 84 / UTM). The area may be in any CRS, for example EPSG:3857 as drawn on a web basemap: it is transformed to the raster's CRS first. Attributes: fid (1, 2, ... row by row from the upper left), x and y of the pixel centre, and the pixel's row and col.</source>
      <translation>対象範囲のポリゴン内に中心があるラスタの各画素について、その中心に点を 1 つ作成します。座標はラスタの座標参照系です（HyP3 と MintPy の GeoTIFF では WGS 84 / UTM）。対象範囲の CRS は任意で、例えばウェブ地図上で描いた EPSG:3857 でもかまいません: 先にラスタの CRS に変換します。属性: fid（左上から行ごとに 1, 2, ...）、画素中心の x と y、画素の row（行）と col（列）。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/points.py" />
      <source>Raster (pixel lattice)</source>
      <translation>ラスタ（画素格子）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/points.py" />
      <source>Area of interest</source>
      <translation>対象範囲</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/points.py" />
      <source>Choose both a raster and an area-of-interest layer.</source>
      <translation>ラスタと対象範囲のレイヤを両方選択してください。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/points.py" />
      <source>{} pixel centres inside the area</source>
      <translation>対象範囲内の画素中心 {} 点</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/quality.py" />
      <source>Validate against levelling or GNSS</source>
      <translation>水準測量・GNSS との比較検証</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/quality.py" />
      <source>Compares the work folder's MintPy time series with ground measurements. The benchmarks CSV has one row per benchmark per survey: id,x,y,date,height (levelling, metres) or id,x,y,date,east,north,up (GNSS displacements, metres); date YYYY-MM-DD. Each benchmark's series is fitted with a polynomial whose order an F-test chooses, evaluated at the SAR dates inside its survey span (never beyond), and projected to the line of sight with the incidence (and for GNSS the azimuth) of its pixel. With a reference benchmark both sides are made relative to it; without one the mean difference of all benchmarks is removed date by date. Writes validation.csv (id,n,mean_mm,std_mm,rms_mm), summary.json, scatter.png and one series_&lt;id&gt;.png per benchmark; benchmarks that cannot be compared are listed with the reason. A decomposition folder (Vertical and east-west from ascending + descending) is compared in the vertical directly: levelling heights as they are, GNSS by its up.</source>
      <translation>作業フォルダの MintPy 時系列を地上の測量と比較します。CSV は点ごと・測量ごとに 1 行: id,x,y,date,height（水準測量、メートル）または id,x,y,date,east,north,up（GNSS の変位、メートル）。日付は YYYY-MM-DD。各点の時系列を F 検定で次数を選んだ多項式で近似し、測量期間内の SAR 観測日だけで評価し（期間外へは外挿しません）、その画素の入射角（GNSS は方位角も）で衛星視線方向に換算します。基準点を指定すると両方をその点からの相対値にし、指定しないと日付ごとに全点の平均差を除去します。validation.csv（id,n,mean_mm,std_mm,rms_mm）、summary.json、scatter.png と点ごとの series_&lt;id&gt;.png を書き出します。比較できない点は理由とともに一覧にします。分解結果のフォルダ（北行＋南行からの上下・東西方向）は上下方向のまま比較します: 水準測量の高さはそのまま、GNSS は up 成分で比較します。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/quality.py" />
      <source>Quality report (HTML, PDF)</source>
      <translation>品質レポート（HTML、PDF）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/quality.py" />
      <source>One self-contained HTML page (images inside it) for the office: the run's summary, the quality of the points (temporal coherence, flagged points), the velocity map, and when given the outputs of the coherence report and of the validation. Optionally the same content as a PDF.</source>
      <translation>報告用の 1 つの HTML ファイル（画像を含む）: 処理の概要、点の品質（時間コヒーレンス、印の付いた点）、速度図、指定があればコヒーレンスの集計と比較検証の結果。同じ内容を PDF にもできます。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/quality.py" />
      <source>Work folder of a run (with mintpy/), or a decomposition folder</source>
      <translation>実行の作業フォルダ（mintpy/ を含む）、または分解結果のフォルダ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/quality.py" />
      <source>Average InSAR pixels within this radius (m; 0: the benchmark's pixel)</source>
      <translation>この半径内の InSAR 画素を平均（m。0: 点のある画素）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/quality.py" />
      <source>Work folder of a run (with mintpy/)</source>
      <translation>処理済みの作業フォルダ（mintpy/ を含む）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/quality.py" />
      <source>Validation folder (optional)</source>
      <translation>比較検証のフォルダ（任意）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/quality.py" />
      <source>Coherence report folder (optional)</source>
      <translation>コヒーレンス集計のフォルダ（任意）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/quality.py" />
      <source>Benchmarks CSV</source>
      <translation>水準点・GNSS の CSV</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/quality.py" />
      <source>CRS of the benchmarks' x, y (empty: the time series' CRS)</source>
      <translation>x, y の座標系（空欄: 時系列の座標系）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/quality.py" />
      <source>Levelling (heights)</source>
      <translation>水準測量（標高）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/quality.py" />
      <source>GNSS (east, north, up)</source>
      <translation>GNSS（東・北・上）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/quality.py" />
      <source>Reference benchmark id (empty: remove the mean difference per date)</source>
      <translation>基準とする点の id（空欄: 日付ごとに平均差を除去）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/quality.py" />
      <source>Validation folder</source>
      <translation>比較検証のフォルダ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/quality.py" />
      <source>validation.csv</source>
      <translation>validation.csv</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/quality.py" />
      <source>Report</source>
      <translation>レポート</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/quality.py" />
      <source>HTML files (*.html)</source>
      <translation>HTML ファイル (*.html)</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/quality.py" />
      <source>PDF (optional)</source>
      <translation>PDF（任意）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/quality.py" />
      <source>PDF files (*.pdf)</source>
      <translation>PDF ファイル (*.pdf)</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/quality.py" />
      <source>{n} benchmarks: RMS {rms:.2f} mm, mean {mean:.2f} mm, std {std:.2f} mm (InSAR - ground, LOS)</source>
      <translation>{n} 点: RMS {rms:.2f} mm、平均 {mean:.2f} mm、標準偏差 {std:.2f} mm（InSAR − 地上、衛星視線方向）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/quality.py" />
      <source>skipped {id}: {reason}</source>
      <translation>除外 {id}: {reason}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Displacement at points (Geotiff_value.csv)</source>
      <translation>点の変位 (Geotiff_value.csv)</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Samples the per-date displacement GeoTIFFs (a folder of &lt;first&gt;_&lt;date&gt;_*.tif, e.g. GeoTiffs/displacement_maps/unwrapped/Meters, also as exported by OpenSARLab) or MintPy's time series in a work folder (its mintpy/timeseries*.h5) at every point of the layer. Give one of the two folders. Points may be in any CRS; x and y come from each point's geometry, the id from the chosen field or else the feature id. Values are line-of-sight displacement in metres relative to the first date; points off the rasters or on no data get empty cells. Wide: Geotiff_value.csv, header Date,&lt;id&gt;_value,... and one row per date labelled &lt;first&gt;_&lt;date&gt;; more than 16,383 points, more columns than a spreadsheet opens, are written as &lt;name&gt;_part01.csv, &lt;name&gt;_part02.csv, ... beside the file chosen, each with the Date column and the next 16,383 points. Long: one row per point per date, columns fid,x,y,date,value_m (x, y in the layer's CRS, date YYYY-MM-DD). From a work folder the long table also has each point's quality from MintPy: temporal_coherence, avg_spatial_coherence, ifgs_used, velocity_mm_yr, velocity_std_mm_yr, low_quality (1 below the temporal coherence set in the plugin's options) and min_coherence.</source>
      <translation>日付ごとの変位 GeoTIFF（&lt;first&gt;_&lt;date&gt;_*.tif のフォルダ。例: GeoTiffs/displacement_maps/unwrapped/Meters、OpenSARLab で出力したものも可）または作業フォルダ内の MintPy の時系列（mintpy/timeseries*.h5）から、レイヤの各点の値を取得します。2 つのフォルダのどちらかを指定してください。点の CRS は任意です。x と y は各点のジオメトリから、ID は選択したフィールド（なければ地物 ID）から取ります。値は最初の日付を基準とした視線方向 (LOS) の変位 (m) で、ラスタ外や NoData の点は空欄になります。Wide（横長）: Geotiff_value.csv。ヘッダーは Date,&lt;id&gt;_value,... で、日付ごとに &lt;first&gt;_&lt;date&gt; というラベルの行。点が 16,383 を超える（表計算ソフトで開ける列数を超える）ときは、指定したファイルの隣に &lt;name&gt;_part01.csv、&lt;name&gt;_part02.csv、… として書き出し、どれも Date 列と続く最大 16,383 点の列を持ちます。Long（縦長）: 点・日付ごとに 1 行、列は fid,x,y,date,value_m（x, y はレイヤの CRS、date は YYYY-MM-DD）。作業フォルダからの縦長の表には、MintPy による各点の品質も入ります: temporal_coherence、avg_spatial_coherence、ifgs_used、velocity_mm_yr、velocity_std_mm_yr、low_quality（プラグインの設定の時間コヒーレンス未満で 1）、min_coherence。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Displacement graphs of points (Plot.zip)</source>
      <translation>点の変位グラフ (Plot.zip)</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Draws one displacement-over-time graph (PNG) per listed point and an overview of them all, zipped as Plot/&lt;id&gt;.png and Plot/overview.png. The values come from Geotiff_value.csv (wide) or a long table (metres). List the points in a columns CSV (header Column, one id per row) or type their ids (e.g. 12, 15, 40). Displacement is shown in mm, cm or m, line of sight (+ towards the satellite), relative to the reference date: auto (MintPy's REF_DATE in the work folder), first, or YYYYMMDD; empty: auto with a work folder, else first. With a work folder, titles carry the points' x, y from its points.csv, and each point's temporal coherence and MintPy velocity ± std from its points.gpkg, with a warning on the graph where the coherence is below the run's threshold.</source>
      <translation>リストした点ごとに変位の時系列グラフ (PNG) を 1 枚ずつと、全点の概観図を描き、Plot/&lt;id&gt;.png と Plot/overview.png として zip にまとめます。値は Geotiff_value.csv (横持ち) または縦持ちの表 (メートル) から読みます。点は columns CSV (ヘッダー Column、1 行に 1 つの ID) で指定するか、ID を入力します (例: 12, 15, 40)。変位は mm、cm または m の視線方向 (+ は衛星に近づく向き) で、基準日からの値として表示します: auto (作業フォルダーの MintPy の REF_DATE)、first、または YYYYMMDD。空欄なら作業フォルダーがあれば auto、なければ first です。作業フォルダーを指定すると、タイトルに points.csv の点の x, y と、points.gpkg の各点の時間的コヒーレンスと MintPy の速度 ± 標準偏差が入り、コヒーレンスが実行時のしきい値を下回る点のグラフには警告が表示されます。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Coherence report</source>
      <translation>コヒーレンスレポート</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>How coherent the interferograms of a work folder are (mintpy/inputs/ifgramStack.h5; no-data and water left out): per interferogram the share of pixels with coherence 0-0.33, 0.33-0.66 and 0.66-1, mean and std (coherence_by_ifgram.csv), the same by temporal baseline (coherence_by_baseline.csv) and by season of the pair's centre date (coherence_by_season.csv), histograms as PNG and summary.json. With a land-cover polygon layer and its class field: pixel count and mean ± std of average spatial coherence and temporal coherence per class (coherence_by_class.csv).</source>
      <translation>作業フォルダーのインターフェログラムのコヒーレンスを集計します (mintpy/inputs/ifgramStack.h5。データなしと水域は除外): インターフェログラムごとのコヒーレンス 0–0.33、0.33–0.66、0.66–1 の画素の割合、平均と標準偏差 (coherence_by_ifgram.csv)、同じ値の時間基線別 (coherence_by_baseline.csv) とペアの中央日の季節別 (coherence_by_season.csv) の集計、PNG のヒストグラムと summary.json を書き出します。土地被覆ポリゴンレイヤーとそのクラスフィールドを指定すると、クラスごとの画素数と、平均空間コヒーレンスおよび時間的コヒーレンスの平均 ± 標準偏差も書き出します (coherence_by_class.csv)。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Vertical and east-west from ascending + descending</source>
      <translation>北行＋南行から上下・東西方向</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Solves each pixel's ascending and descending line of sight for vertical and east-west motion (north-south neglected), with each track's incidence and azimuth from MintPy's geometryGeo.h5. Give two exported work folders over the same ground, one ascending and one descending, in either order. Both are put on one lattice in the UTM zone of their overlap (the coarser pixel, origin on its multiples; a track already on it is not resampled, another is resampled bilinearly). Dates: every date of either track inside the span both cover, each track interpolated linearly in time where it lacks one. Both tracks are referred to one pixel: the point given, else the pixel with values on every date in both tracks whose lower temporal coherence is the highest. Writes vertical.tif and east.tif (velocity, mm/yr; up and east positive), per-date GeoTIFFs in vertical/ and east/ named &lt;first&gt;_&lt;date&gt;_vertical_Meters.tif, vertical_points.gpkg and Geotiff_value_vertical.csv / Geotiff_value_east.csv.</source>
      <translation>各画素の北行と南行の衛星視線方向の変位から、上下方向と東西方向の変動を求めます（南北方向は無視）。入射角と方位角は各軌道の MintPy の geometryGeo.h5 から取ります。同じ地域の書き出し済み作業フォルダを 2 つ（北行と南行、順不同）指定してください。両方を重なりの中心の UTM 帯の 1 つの格子にそろえます（粗い方の画素サイズ、原点はその倍数。すでにその格子上の軌道はリサンプリングせず、ほかは双一次でリサンプリング）。日付: 両軌道が覆う期間内のどちらかの観測日すべて。観測日のない軌道は時間方向に線形補間します。両軌道を 1 つの画素を基準にそろえます: 指定した点、指定がなければ両軌道の全日付に値があり、低い方の時間的コヒーレンスが最も高い画素です。vertical.tif と east.tif（速度、mm/年。隆起と東向きが正）、vertical/ と east/ に &lt;first&gt;_&lt;date&gt;_vertical_Meters.tif という名前の日付ごとの GeoTIFF、vertical_points.gpkg、Geotiff_value_vertical.csv / Geotiff_value_east.csv を書き出します。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Folder of per-date displacement GeoTIFFs</source>
      <translation>日付ごとの変位 GeoTIFF のフォルダ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>or: work folder with MintPy's time series (mintpy/)</source>
      <translation>または: MintPy の時系列 (mintpy/) がある作業フォルダ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Table layout</source>
      <translation>表の形式</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Displacement units</source>
      <translation>変位の単位</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Work folder (MintPy's reference date, points.csv)</source>
      <translation>作業フォルダ（MintPy の参照日、points.csv）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Work folder (after sbas run's MintPy step)</source>
      <translation>作業フォルダー (sbas run の MintPy ステップ後)</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Work folder of one track (ascending or descending)</source>
      <translation>一方の軌道の作業フォルダ（北行または南行）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Work folder of the other track</source>
      <translation>もう一方の軌道の作業フォルダ</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Point id field (empty: the feature id)</source>
      <translation>点 ID のフィールド（空欄: 地物 ID）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Wide (Geotiff_value.csv)</source>
      <translation>Wide（Geotiff_value.csv）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Long (fid,x,y,date,value_m)</source>
      <translation>Long（fid,x,y,date,value_m）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Give either the folder of per-date GeoTIFFs or the work folder with MintPy's time series.</source>
      <translation>日付ごとの GeoTIFF のフォルダか、MintPy の時系列がある作業フォルダのどちらかを指定してください。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Values CSV (Geotiff_value.csv)</source>
      <translation>値の CSV (Geotiff_value.csv)</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Columns CSV listing the point ids (header Column)</source>
      <translation>点 ID を列挙した columns CSV（ヘッダー Column）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>or: point ids, separated by commas</source>
      <translation>または: カンマ区切りの点 ID</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Reference date: auto, first or YYYYMMDD (empty: auto with a work folder)</source>
      <translation>参照日: auto、first または YYYYMMDD（空欄: 作業フォルダがあれば auto）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Graphs zip</source>
      <translation>グラフの zip</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Zip files (*.zip)</source>
      <translation>Zip ファイル (*.zip)</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Give either a columns CSV or a list of point ids (not both).</source>
      <translation>columns CSV か点 ID の一覧のどちらか一方を指定してください（両方は不可）。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Land-cover polygons (optional)</source>
      <translation>土地被覆ポリゴン (任意)</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Class field of the polygons</source>
      <translation>ポリゴンのクラスフィールド</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Report folder</source>
      <translation>レポートフォルダー</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Reference point (empty: the most coherent pixel)</source>
      <translation>基準点（空欄: 最もコヒーレンスの高い画素）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Vertical velocity (mm/yr)</source>
      <translation>上下方向の速度（mm/年）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>East-west velocity (mm/yr)</source>
      <translation>東西方向の速度（mm/年）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Vertical points</source>
      <translation>上下方向のポイント</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Vertical values CSV</source>
      <translation>上下方向の値の CSV</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>{} points x {} dates: {}</source>
      <translation>{} 点 x {} 日付: {}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>{} graphs and an overview, relative to {}</source>
      <translation>{} 個のグラフと概観図（{} 基準）</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Choose the class field of the land-cover polygons.</source>
      <translation>土地被覆ポリゴンのクラスフィールドを選んでください。</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>{count} interferograms over {pixels} pixels: mean coherence {mean:.2f} ± {std:.2f}</source>
      <translation>{count} 枚のインターフェログラム、{pixels} 画素: 平均コヒーレンス {mean:.2f} ± {std:.2f}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>lattice: {} ({}), {} m pixels, {} x {}</source>
      <translation>格子: {}（{}）、画素 {} m、{} x {}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>{} dates {}–{}; {}</source>
      <translation>{} 日付 {}–{}; {}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>reference: the pixel centred at {:.1f}, {:.1f}</source>
      <translation>基準: 中心 {:.1f}, {:.1f} の画素</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>quality columns: {}</source>
      <translation>品質の列: {}</translation>
    </message>
    <message>
      <location filename="../../sbas_plugin/processing/results.py" />
      <source>Point ids: whole numbers separated by commas, got {!r}.</source>
      <translation>点 ID: カンマ区切りの整数を指定してください。入力値: {!r}。</translation>
    </message>
  </context>
</TS>
